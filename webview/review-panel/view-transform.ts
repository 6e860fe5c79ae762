// Zoom and pan of the image viewer: image pixel (x, y) appears at screen (x * scale + tx, y * scale + ty).

export interface ViewTransform {
  scale: number;
  tx: number;
  ty: number;
}

const MIN_ZOOM_OF_FIT = 0.25;
const MAX_SCALE = 32;

/** The whole image centred in the viewport, as large as fits. */
export function fitTransform(
  imageWidth: number,
  imageHeight: number,
  viewWidth: number,
  viewHeight: number,
): ViewTransform {
  const scale = Math.min(viewWidth / imageWidth, viewHeight / imageHeight) || 1;
  return { scale, tx: (viewWidth - imageWidth * scale) / 2, ty: (viewHeight - imageHeight * scale) / 2 };
}

/** Zooms by `factor` keeping the image point under screen (sx, sy) in place; bounded relative to `fitScale`. */
export function zoomAt(t: ViewTransform, factor: number, sx: number, sy: number, fitScale: number): ViewTransform {
  const scale = Math.min(MAX_SCALE, Math.max(fitScale * MIN_ZOOM_OF_FIT, t.scale * factor));
  const f = scale / t.scale;
  return { scale, tx: sx - (sx - t.tx) * f, ty: sy - (sy - t.ty) * f };
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, tx: t.tx + dx, ty: t.ty + dy };
}

export function screenToImage(t: ViewTransform, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - t.tx) / t.scale, y: (sy - t.ty) / t.scale };
}

/** Wheel delta (pixels) to a zoom factor: smooth for trackpads, ~10 % per mouse notch. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.001);
}
