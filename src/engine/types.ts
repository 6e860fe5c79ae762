// Plain data shared by the engine's rooms (dataset, report, image, model, scoring, cache).
// Nothing here imports `vscode`: the CLI, the extension, tests and benchmarks all use it.
import type { SectionName } from './report/section-names';

/** A file or row the engine could not use, and why. Never aborts a run. */
export interface Skipped {
  /** Absolute path of the file (for a manifest row: the manifest path plus `#row N`). */
  path: string;
  reason: string;
}

// ---------------------------------------------------------------- dataset

/**
 * The dataset layouts (dataset/layouts/, one module each), listed once: the CLI's --layout, the
 * setting radalign.layout (package.json repeats it, checked by a test) and the scoring worker's
 * request take them from here.
 */
export const LAYOUT_NAMES = ['stem', 'study-folder', 'manifest', 'r2gen', 'mimic'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];
/** What a run may be told: one layout, or 'auto' (every layout, mixed within one folder). */
export const LAYOUT_CHOICES = ['auto', ...LAYOUT_NAMES] as const;
export type LayoutChoice = (typeof LAYOUT_CHOICES)[number];

/** Where a pair's report text comes from. */
export type ReportSource =
  | { kind: 'file'; path: string }
  /** Text given inline in a manifest; `origin` names the manifest and row for messages. */
  | { kind: 'inline'; text: string; origin: string };

/** One study: one report and the one or more images it describes. */
export interface Pair {
  /** Stable id, unique within the dataset (manifest id, MIMIC study id, or path stem relative to the folder). */
  id: string;
  /** Absolute image paths, sorted. */
  images: string[];
  report: ReportSource;
  layout: LayoutName;
  /** Manifest split (train/val/test) where the layout has one. */
  split?: string;
}

export interface Discovery {
  /** The dataset folder, absolute. */
  root: string;
  pairs: Pair[];
  skipped: Skipped[];
}

// ---------------------------------------------------------------- report

export type { SectionName };

export interface ReportSection {
  name: SectionName;
  /** The heading as written (empty for unsectioned text). */
  heading: string;
  /** Character offsets of the section body into the original text (end exclusive). */
  start: number;
  end: number;
}

export interface ReportSentence {
  /** The sentence as written (original characters; `text === source.slice(start, end)`). */
  text: string;
  section: SectionName;
  start: number;
  end: number;
  /** A negation cue governs the sentence ("no", "without", "negative for", ...). */
  negated: boolean;
  /** An uncertainty cue ("may represent", "cannot exclude", "possible", ...). */
  uncertain: boolean;
  /** The cue phrases found, lower-case, in order of appearance. */
  cues: string[];
  /** The sentence's section describes the image (findings, impression, imaging notes, unsectioned). */
  describesImage: boolean;
}

export interface ParsedReport {
  text: string;
  sections: ReportSection[];
  sentences: ReportSentence[];
}

// ---------------------------------------------------------------- image

/** A decoded image at its original size, 8-bit, window already applied. */
export interface DecodedImage {
  /** Raw interleaved pixels, `width * height * channels` bytes. */
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
  /** What the source was, for display: 'png', 'jpeg', 'tiff', 'webp', 'dicom'. */
  format: string;
  /** Bits per sample in the source (8 or 16 for PNG; BitsStored for DICOM). */
  sourceBits: number;
  /** The intensity window applied to reach 8 bits, in source units, when one was. */
  window?: { center: number; width: number; origin: 'dicom' | 'percentile' | 'full-range' | 'min-max' };
  /**
   * Smallest and largest value of the alpha channel the decoder dropped (8-bit sources with alpha, when the
   * decoder was asked): `intensity: 'min-max'` takes its range over every channel, alpha included, as hi-ml does.
   */
  alphaRange?: [number, number];
  /** The alpha channel the decoder dropped, kept for a spec with `resizeBeforeConvert` (8-bit, not palette). */
  alpha?: Buffer;
  /** Stored as a palette image (decoded to its colours), told to a spec with `resizeBeforeConvert`. */
  palette?: boolean;
}

/** How a model wants its images; from model.json or preprocessor_config.json. */
export interface ImagePreprocessSpec {
  /** Square model input side in pixels. */
  size: number;
  /** 'shortest-edge': scale so the short side is `size`, then centre-crop; 'squash': resize both sides to `size`; 'letterbox': fit inside and pad. */
  resize: 'shortest-edge' | 'squash' | 'letterbox';
  /** Per-channel mean and std applied to values in 0..1. Length equals `channels`. */
  mean: number[];
  std: number[];
  /** Input channels: 3 repeats a grey image, 1 converts colour to grey. */
  channels: 1 | 3;
  /**
   * How the computed side is made whole (the long side for 'shortest-edge', the short side for 'letterbox'):
   * 'round' to nearest (absent: the default), or 'truncate' like torchvision's Resize(int) and Hugging Face's
   * CLIPImageProcessor, `int(size * long / short)`, or 'truncate-ratio', every side `int(length * (size / long))`
   * (the ratio first, as CheXzero's preprocess; it can give `size - 1`, which is kept).
   */
  resizeRounding?: ResizeRounding;
  /**
   * How an odd leftover centres the crop or padding: 'floor' puts the extra pixel right/bottom (absent: the
   * default; Hugging Face's `(h - th) // 2`), 'half-even' rounds half the leftover to even like torchvision's
   * CenterCrop, `int(round((h - th) / 2.0))` (7.5 → 8, 6.5 → 6).
   */
  cropRounding?: CropRounding;
  /**
   * 'shortest-edge' only: the short side's length before the centre crop to `size` (torchvision
   * `Resize(512)` + `CenterCrop(480)`; Hugging Face `size.shortest_edge` + `crop_size`). Absent: `size`.
   */
  shortestEdge?: number;
  /**
   * Resampling filter. Absent (with `before`, `antialias` and `intensity` absent too): radalign's historic
   * libvips cubic resize. Set: PIL's antialiased resampling, reproduced exactly (image/pil-resample.ts).
   */
  filter?: ResizeFilter;
  /**
   * false: the main resize is torch.nn.functional.interpolate(align_corners=False, antialias=False) on float
   * values (image/torch-resample.ts), after any `before` step. Absent: true (PIL-style, antialiased).
   */
  antialias?: boolean;
  /**
   * 'min-max': hi-ml's remap_to_uint8 on the decoded image before anything else, over every stored channel
   * (an alpha channel too, as skimage reads it). Absent: none.
   */
  intensity?: 'min-max';
  /**
   * true: a colour image becomes one grey channel with PIL's convert('L') (ITU-R 601-2 luma on the stored,
   * gamma-encoded values), after `intensity` and before any resize; the grey channel is then repeated into
   * `channels`. CheXzero and BioViL make every image grey this way. Absent: colour stays colour.
   */
  greyscale?: boolean;
  /**
   * true: the main resize runs before the conversion to RGB, as open_clip's transform orders them, so Pillow
   * resizes in the stored mode: a palette image with nearest neighbour whatever `filter` says, an image with an
   * alpha channel premultiplied by it (Pillow's RGBa / La), the alpha then dropped. Absent: converted first.
   */
  resizeBeforeConvert?: boolean;
  /** An earlier resize step made at 8 bits (CheXzero's 320² letterbox), before the main one. */
  before?: EarlierStepSpec;
}

export type ResizeRounding = 'round' | 'truncate' | 'truncate-ratio';
export type CropRounding = 'floor' | 'half-even';
export type ResizeFilter = 'bicubic' | 'bilinear' | 'lanczos' | 'nearest';
export const RESIZE_FILTERS: readonly ResizeFilter[] = ['bicubic', 'bilinear', 'lanczos', 'nearest'];

/** The earlier step (`before`): its geometry, and whether its result is made grey. */
export type EarlierStepSpec = ResizeStepSpec & {
  /**
   * true: the step's result becomes one grey channel with PIL's convert('L'), after its resize (CheXzero pastes
   * its resized image into an 'L' canvas). `image.greyscale` instead converts before any resize (hi-ml).
   */
  greyscale?: boolean;
};

/** One resize step (8-bit, PIL filters): the geometry fields of ImagePreprocessSpec. */
export type ResizeStepSpec = Pick<
  ImagePreprocessSpec,
  'size' | 'resize' | 'filter' | 'resizeRounding' | 'cropRounding' | 'shortestEdge'
>;

/**
 * Maps model-input pixel coordinates back to original image coordinates:
 * original = (input - offset) / scale, per axis. Lets heatmaps undo resize and crop.
 */
export interface InputToImageTransform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** Original image size. */
  width: number;
  height: number;
  /** Model input side. */
  inputSize: number;
}

export interface PreprocessedImage {
  /** CHW float32, `channels * size * size`. */
  tensor: Float32Array;
  transform: InputToImageTransform;
}
