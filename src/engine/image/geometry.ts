// Where the original image lands in the square model input, for each resize mode.
//
// Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).
// The transform satisfies original = (input - offset) / scale on each axis, so
//   input = original * scale + offset.
// 'shortest-edge' crops, so its offsets are zero or negative (minus the pixels cut from the left/top);
// 'letterbox' pads, so its offsets are zero or positive (the padding on the left/top); 'squash' has none.
//
// Rounding (ImagePreprocessSpec resizeRounding / cropRounding) follows the model family's own pipeline so the
// crop lands on the same pixels: absent, the computed side is rounded to nearest and an odd leftover pixel
// goes right/bottom (floor).
import type { ImagePreprocessSpec, InputToImageTransform } from '../types';

/** The rounding fields of a preprocessing spec; absent fields keep the defaults ('round', 'floor'). */
export type ResizeRoundingSpec = Pick<ImagePreprocessSpec, 'resizeRounding' | 'cropRounding'>;

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
  rounding: ResizeRoundingSpec = {},
): ResizePlan {
  const truncate = rounding.resizeRounding === 'truncate';
  // 'truncate' computes `int(size * long / short)` in the same order as torchvision and Hugging Face, so the
  // floating-point result (and its truncation) is the same; 'round' keeps the computation it always had.
  const side = (length: number, other: number): number =>
    truncate ? Math.trunc((size * length) / other) : Math.round(length * (size / other));
  let resizeWidth: number;
  let resizeHeight: number;
  switch (mode) {
    case 'squash':
      resizeWidth = size;
      resizeHeight = size;
      break;
    case 'shortest-edge': {
      // The short side becomes exactly `size`; the long side is at least `size` so the crop always fits.
      const short = Math.min(width, height);
      resizeWidth = width <= height ? size : Math.max(size, side(width, short));
      resizeHeight = height <= width ? size : Math.max(size, side(height, short));
      break;
    }
    case 'letterbox': {
      const long = Math.max(width, height);
      resizeWidth = width >= height ? size : Math.max(1, side(width, long));
      resizeHeight = height >= width ? size : Math.max(1, side(height, long));
      break;
    }
  }
  const kind = mode === 'shortest-edge' ? 'crop' : mode === 'letterbox' ? 'pad' : 'none';
  // Centred; with 'floor' an odd leftover pixel goes to the right/bottom, with 'half-even' to whichever side
  // makes the left/top share even.
  const centre = rounding.cropRounding === 'half-even' ? roundHalfEven : Math.floor;
  const left = centre(Math.abs(resizeWidth - size) / 2);
  const top = centre(Math.abs(resizeHeight - size) / 2);
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

/** Python 3's round() of a float: to nearest, ties to the even neighbour (6.5 → 6, 7.5 → 8). */
export function roundHalfEven(x: number): number {
  const lower = Math.floor(x);
  const rest = x - lower;
  if (rest < 0.5) return lower;
  if (rest > 0.5) return lower + 1;
  return lower % 2 === 0 ? lower : lower + 1;
}
