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
// goes right/bottom (floor). A spec with a `before` step maps through both steps (composeTransforms).
import type { ImagePreprocessSpec, InputToImageTransform } from '../types';

/** The rounding fields of a preprocessing spec; absent fields keep the defaults ('round', 'floor', `size`). */
export type ResizeRoundingSpec = Pick<ImagePreprocessSpec, 'resizeRounding' | 'cropRounding' | 'shortestEdge'>;

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
  const how = rounding.resizeRounding ?? 'round';
  // The length the short side (shortest-edge) or the long side (letterbox) becomes.
  const target = mode === 'shortest-edge' ? (rounding.shortestEdge ?? size) : size;
  // 'truncate' computes `int(size * long / short)` in the same order as torchvision and Hugging Face, so the
  // floating-point result (and its truncation) is the same; 'truncate-ratio' is CheXzero's
  // `int(x * (size / long))`, ratio first; 'round' keeps the computation it always had.
  const side = (length: number, other: number): number =>
    how === 'truncate'
      ? Math.trunc((target * length) / other)
      : how === 'truncate-ratio'
        ? Math.trunc(length * (target / other))
        : Math.round(length * (target / other));
  let resizeWidth: number;
  let resizeHeight: number;
  switch (mode) {
    case 'squash':
      resizeWidth = size;
      resizeHeight = size;
      break;
    case 'shortest-edge': {
      // The short side becomes `target`; both sides stay at least `size` so the crop always fits.
      const short = Math.min(width, height);
      const ratio = how === 'truncate-ratio';
      resizeWidth = width <= height && !ratio ? target : Math.max(size, side(width, short));
      resizeHeight = height <= width && !ratio ? target : Math.max(size, side(height, short));
      break;
    }
    case 'letterbox': {
      // 'truncate-ratio' computes the long side too: `int(long * (size / long))` is `size - 1` for some lengths.
      const long = Math.max(width, height);
      const ratio = how === 'truncate-ratio';
      resizeWidth = width >= height && !ratio ? size : Math.max(1, side(width, long));
      resizeHeight = height >= width && !ratio ? size : Math.max(1, side(height, long));
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

/**
 * The transform of two steps made one after the other: `first` maps the original into the intermediate
 * image, `second` maps that into the model input. input = s2 * (s1 * x + o1) + o2.
 */
export function composeTransforms(first: InputToImageTransform, second: InputToImageTransform): InputToImageTransform {
  return {
    scaleX: first.scaleX * second.scaleX,
    scaleY: first.scaleY * second.scaleY,
    offsetX: first.offsetX * second.scaleX + second.offsetX,
    offsetY: first.offsetY * second.scaleY + second.offsetY,
    width: first.width,
    height: first.height,
    inputSize: second.inputSize,
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
