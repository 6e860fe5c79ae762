// The image viewer: the active image on one canvas and the heatmap overlay on a second, transparent
// one above it (so the overlay's pixels can be read back: an image loaded by URL would taint a
// shared canvas), zoom on the wheel, pan by dragging, window/level by Shift+drag (host-decoded
// images only).
import type { ColormapName } from '../../src/protocol/panel-persisted-state';
import type { HeatmapView } from '../../src/protocol/review-panel-protocol';
import { colormapLut } from './colormaps';
import { overlayPlacement, overlayRgba, overlaySize, upsampleGrid, valueAt, valueRange } from './heatmap-raster';
import { renderWindow, type LoadedImage } from './image-store';
import { fitTransform, panBy, screenToImage, wheelZoomFactor, zoomAt, type ViewTransform } from './view-transform';
import { l10n } from './l10n';
import { dragWindow } from './window-level';

export interface OverlaySettings {
  heatmap: HeatmapView | undefined;
  visible: boolean;
  colormap: ColormapName;
  opacity: number;
}

export class ImageViewer {
  readonly canvas = document.createElement('canvas');
  /** The heatmap layer: transparent but for the overlay; lets pointer events through to `canvas`. */
  private readonly layer = document.createElement('canvas');
  private image: LoadedImage | undefined;
  /** Set once the user zooms or pans; until then the image is fitted to the viewport, whatever its size. */
  private transform: ViewTransform | undefined;
  private overlay: OverlaySettings = { heatmap: undefined, visible: true, colormap: 'turbo', opacity: 0.6 };
  private overlayCanvas: HTMLCanvasElement | undefined;
  private overlayKey = '';
  private drawnOverlay = false;
  private frame = 0;

  constructor(
    private readonly host: HTMLElement,
    /** Told the value under the pointer (heatmap) and the window after W/L drags. */
    private readonly onReadout: (text: string) => void,
    private readonly onWindowChanged: () => void,
  ) {
    this.canvas.className = 'viewer-canvas';
    this.canvas.tabIndex = -1;
    this.layer.className = 'viewer-canvas viewer-overlay';
    this.layer.style.pointerEvents = 'none';
    host.append(this.canvas, this.layer);
    new ResizeObserver(() => this.requestDraw()).observe(host);
    this.listen();
  }

  /** Shows `image`; keeps zoom and pan when it is the same image again. */
  setImage(image: LoadedImage | undefined): void {
    if (image !== this.image) this.transform = undefined;
    this.image = image;
    this.requestDraw();
  }

  setOverlay(settings: OverlaySettings): void {
    this.overlay = settings;
    this.requestDraw();
  }

  get currentImage(): LoadedImage | undefined {
    return this.image;
  }

  /** Whether the last frame drew a heatmap. */
  get overlayDrawn(): boolean {
    return this.drawnOverlay;
  }

  /** Read from the heatmap layer: its pixels that are not transparent, and all of them. */
  overlayPixels(): { drawn: number; total: number } {
    const { width, height } = this.layer;
    const data = this.layer.getContext('2d')!.getImageData(0, 0, width, height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++;
    return { drawn, total: width * height };
  }

  resetView(): void {
    this.transform = undefined;
    if (this.image?.kind === 'pixels') {
      this.image.window = { ...this.image.pixel.window };
      renderWindow(this.image);
      this.onWindowChanged();
    }
    this.requestDraw();
  }

  /** Draws synchronously (callers that report what was drawn need it done). */
  drawNow(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    for (const canvas of [this.canvas, this.layer]) {
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
        canvas.style.width = `${w}px`;
        canvas.style.height = `${h}px`;
      }
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const octx = this.layer.getContext('2d')!;
    octx.setTransform(1, 0, 0, 1, 0, 0);
    octx.clearRect(0, 0, this.layer.width, this.layer.height);
    this.drawnOverlay = false;
    const image = this.image;
    if (!image) return;
    const t = this.transform ?? fitTransform(image.width, image.height, w, h);
    ctx.setTransform(t.scale * dpr, 0, 0, t.scale * dpr, t.tx * dpr, t.ty * dpr);
    ctx.imageSmoothingEnabled = t.scale < 2; // show pixels when zoomed in
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image.kind === 'bitmap' ? image.element : image.canvas, 0, 0, image.width, image.height);

    const map = this.overlay.heatmap;
    if (!map || !this.overlay.visible) return;
    const raster = this.overlayRaster(map);
    const { dest, clip } = overlayPlacement(map.box, image.width, image.height);
    if (clip.width <= 0 || clip.height <= 0) return;
    octx.save();
    octx.setTransform(t.scale * dpr, 0, 0, t.scale * dpr, t.tx * dpr, t.ty * dpr);
    octx.beginPath();
    octx.rect(clip.x, clip.y, clip.width, clip.height);
    octx.clip();
    octx.imageSmoothingEnabled = true;
    octx.imageSmoothingQuality = 'high';
    octx.drawImage(raster, dest.x, dest.y, dest.width, dest.height);
    octx.restore();
    this.drawnOverlay = true;
  }

  private fit(image: LoadedImage): ViewTransform {
    return fitTransform(
      image.width,
      image.height,
      Math.max(1, this.host.clientWidth),
      Math.max(1, this.host.clientHeight),
    );
  }

  private overlayRaster(map: HeatmapView): HTMLCanvasElement {
    const key = `${map.values.join(',')}|${map.rows}x${map.cols}|${this.overlay.colormap}|${this.overlay.opacity}`;
    if (this.overlayCanvas && key === this.overlayKey) return this.overlayCanvas;
    const { width, height } = overlaySize(map);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const rgba = overlayRgba(
      upsampleGrid(map.values, map.rows, map.cols, width, height),
      valueRange(map.values),
      colormapLut(this.overlay.colormap),
      this.overlay.opacity,
    );
    canvas.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
    this.overlayCanvas = canvas;
    this.overlayKey = key;
    return canvas;
  }

  private listen(): void {
    let drag: { x: number; y: number; mode: 'pan' | 'window'; window?: { center: number; width: number } } | undefined;
    const c = this.canvas;
    c.addEventListener(
      'wheel',
      (e) => {
        if (!this.image) return;
        e.preventDefault();
        const r = c.getBoundingClientRect();
        const fit = this.fit(this.image);
        this.transform = zoomAt(
          this.transform ?? fit,
          wheelZoomFactor(e.deltaY),
          e.clientX - r.left,
          e.clientY - r.top,
          fit.scale,
        );
        this.requestDraw();
      },
      { passive: false },
    );
    c.addEventListener('pointerdown', (e) => {
      if (!this.image || e.button !== 0) return;
      c.setPointerCapture(e.pointerId);
      const windowing = e.shiftKey && this.image.kind === 'pixels';
      drag = {
        x: e.clientX,
        y: e.clientY,
        mode: windowing ? 'window' : 'pan',
        window: windowing && this.image.kind === 'pixels' ? { ...this.image.window } : undefined,
      };
      c.classList.toggle('windowing', windowing);
    });
    c.addEventListener('pointermove', (e) => {
      const image = this.image;
      if (drag && image) {
        if (drag.mode === 'pan') {
          this.transform = panBy(this.transform ?? this.fit(image), e.clientX - drag.x, e.clientY - drag.y);
          drag.x = e.clientX;
          drag.y = e.clientY;
        } else if (image.kind === 'pixels' && drag.window) {
          // Full data range across about 600 screen pixels.
          const sensitivity = Math.max(1, image.pixel.window.width) / 300;
          image.window = dragWindow(drag.window, e.clientX - drag.x, e.clientY - drag.y, sensitivity, image.maxValue);
          renderWindow(image);
          this.onWindowChanged();
        }
        this.requestDraw();
      }
      this.readout(e);
    });
    const end = () => {
      drag = undefined;
      c.classList.remove('windowing');
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('pointerleave', () => this.onReadout(''));
  }

  private readout(e: PointerEvent): void {
    const map = this.overlay.heatmap;
    if (!this.image) return;
    const r = this.canvas.getBoundingClientRect();
    const p = screenToImage(this.transform ?? this.fit(this.image), e.clientX - r.left, e.clientY - r.top);
    const inside = p.x >= 0 && p.y >= 0 && p.x < this.image.width && p.y < this.image.height;
    const value = inside && map && this.overlay.visible ? valueAt(map, p.x, p.y) : undefined;
    this.onReadout(
      inside
        ? l10n.t('x {0}, y {1}', Math.floor(p.x), Math.floor(p.y)) +
            (value !== undefined ? l10n.t(' · heatmap {0}', value.toFixed(3)) : '')
        : '',
    );
  }
}
