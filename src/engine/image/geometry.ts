// Where the original image lands in the square model input, for each resize mode.
//
// Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).
// The transform satisfies original = (input - offset) / scale on each axis, so
//   input = original * scale + offset.
// 'shortest-edge' crops, so its offsets are zero or negative (minus the pixels cut from the left/top);
// 'letterbox' pads, so its offsets are zero or positive (the padding on the left/top); 'squash' has none.
import type { ImagePreprocessSpec, InputToImageTransform } from '../types';

export interface ResizePlan {
  /** Size the whole image is resized to before cropping or padding. */
  resizeWidth: number;
  resizeHeight: number;
  /** Pixels cut from the resized image (shortest-edge) or added around it (letterbox). */
  left: number;
  top: number;
  kind: 'crop' | 'pad' | 'none';
  transform: InputToImageTransform;
}

export function planResize(
  width: number,
  height: number,
  size: number,
  mode: ImagePreprocessSpec['resize'],
): ResizePlan {
  let resizeWidth: number;
  let resizeHeight: number;
  switch (mode) {
    case 'squash':
      resizeWidth = size;
      resizeHeight = size;
      break;
    case 'shortest-edge': {
      // The short side becomes exactly `size`; the long side is at least `size` so the crop always fits.
      const scale = size / Math.min(width, height);
      resizeWidth = width <= height ? size : Math.max(size, Math.round(width * scale));
      resizeHeight = height <= width ? size : Math.max(size, Math.round(height * scale));
      break;
    }
    case 'letterbox': {
      const scale = size / Math.max(width, height);
      resizeWidth = width >= height ? size : Math.max(1, Math.round(width * scale));
      resizeHeight = height >= width ? size : Math.max(1, Math.round(height * scale));
      break;
    }
  }
  const kind = mode === 'shortest-edge' ? 'crop' : mode === 'letterbox' ? 'pad' : 'none';
  // Centred; an odd leftover pixel goes to the right/bottom.
  const left = Math.floor(Math.abs(resizeWidth - size) / 2);
  const top = Math.floor(Math.abs(resizeHeight - size) / 2);
  // `0 - cut` rather than `-cut`: no -0 offsets.
  const offset = (cut: number): number => (kind === 'crop' ? 0 - cut : cut);
  return {
    resizeWidth,
    resizeHeight,
    left,
    top,
    kind,
    transform: {
      // The actual ratios after rounding, not the nominal scale, so mapping back is exact.
      scaleX: resizeWidth / width,
      scaleY: resizeHeight / height,
      offsetX: offset(left),
      offsetY: offset(top),
      width,
      height,
      inputSize: size,
    },
  };
}
