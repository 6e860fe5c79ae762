// Loads the pair's images for the viewer: by URL where the host gave one, else as pixels
// requested from the host (decoded there), rendered through the current window. Keeps the few
// most recent so moving back and forth between pairs does not reload. An image the host refused
// ('unavailable') fails with the host's reason, which the panel shows in its place.
import type { ImageRef, PixelImage } from '../../src/protocol/review-panel-protocol';
import { samplesFromBytes, samplesToRgba, windowLut, type IntensityWindow } from './window-level';

export type LoadedImage =
  | { kind: 'bitmap'; width: number; height: number; element: HTMLImageElement }
  | {
      kind: 'pixels';
      /** Original image size (image coordinates); the canvas may be smaller (downscaled by the host). */
      width: number;
      height: number;
      pixel: PixelImage;
      samples: Uint8Array | Uint16Array;
      maxValue: number;
      window: IntensityWindow;
      canvas: HTMLCanvasElement;
    };

const KEEP = 8;

export class ImageStore {
  private readonly cache = new Map<string, Promise<LoadedImage>>();

  constructor(private readonly requestPixels: (pairId: string, index: number) => Promise<PixelImage>) {}

  load(pairId: string, index: number, ref: ImageRef): Promise<LoadedImage> {
    if (ref.source.kind === 'unavailable') return Promise.reject(new Error(ref.source.reason));
    const key = `${pairId}\u0000${index}\u0000${ref.source.kind === 'uri' ? ref.source.uri : 'pixels'}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const loading = (
      ref.source.kind === 'uri'
        ? loadBitmap(ref.source.uri).catch(() => this.loadPixels(pairId, index))
        : this.loadPixels(pairId, index)
    ).catch((e: unknown) => {
      this.cache.delete(key); // let a later attempt retry
      throw e;
    });
    this.cache.set(key, loading);
    while (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!);
    return loading;
  }

  private async loadPixels(pairId: string, index: number): Promise<LoadedImage> {
    const pixel = await this.requestPixels(pairId, index);
    const samples = samplesFromBytes(pixel.data, pixel.bits);
    const canvas = document.createElement('canvas');
    canvas.width = pixel.width;
    canvas.height = pixel.height;
    const loaded: LoadedImage = {
      kind: 'pixels',
      width: pixel.sourceWidth,
      height: pixel.sourceHeight,
      pixel,
      samples,
      maxValue: pixel.bits === 16 ? 65535 : 255,
      window: { ...pixel.window },
      canvas,
    };
    renderWindow(loaded);
    return loaded;
  }
}

/** Redraws a pixel image's canvas through its current window. */
export function renderWindow(image: Extract<LoadedImage, { kind: 'pixels' }>): void {
  const lut = windowLut(image.window, image.maxValue, image.pixel.invert);
  const rgba = samplesToRgba(image.samples, image.pixel.channels, lut);
  const ctx = image.canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, image.pixel.width, image.pixel.height), 0, 0);
}

function loadBitmap(uri: string): Promise<LoadedImage> {
  const element = new Image();
  element.decoding = 'async';
  element.src = uri;
  return element
    .decode()
    .then(() => ({ kind: 'bitmap', width: element.naturalWidth, height: element.naturalHeight, element }));
}
