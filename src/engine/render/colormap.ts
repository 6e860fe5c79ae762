// Colour maps for heatmap overlays: piecewise-linear through a few stops.

type Rgb = [number, number, number];

const STOPS: Record<string, Rgb[]> = {
  // Perceptually ordered dark-blue → cyan → yellow → red, readable on grey radiographs.
  turbo: [
    [48, 18, 59],
    [70, 134, 251],
    [27, 229, 181],
    [164, 252, 60],
    [251, 185, 56],
    [228, 70, 10],
    [122, 4, 3],
  ],
  hot: [
    [0, 0, 0],
    [230, 0, 0],
    [255, 210, 0],
    [255, 255, 255],
  ],
};

export type ColormapName = keyof typeof STOPS;

/** Colour for t in 0..1 (clamped). */
export function colormap(t: number, name: ColormapName = 'turbo'): Rgb {
  const stops = STOPS[name];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
