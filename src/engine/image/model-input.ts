// An image file straight to the model's input tensor, for scoring.
//
// An ordinary 8-bit raster file (PNG, JPEG, TIFF, WebP: one page, no alpha) goes through ONE sharp
// pipeline from its bytes: EXIF orientation, colour → grey when asked, bicubic resize to the
// geometry plan (with JPEG shrink-on-load), crop or pad, 8-bit raw. The full-resolution pixels
// never exist in memory, and JPEG decodes at a half, quarter or eighth of its size when the model
// input is small enough. Everything else is decoded to 8-bit pixels first (decode.ts), then
// preprocessed (preprocess.ts), as before:
//   - DICOM and 16-bit PNG/TIFF: their window is computed over every full-resolution sample;
//   - images with alpha: the rule is "alpha dropped without blending", but sharp premultiplies
//     colour by alpha around a resize, so one pipeline would blend edges of transparency;
//   - multi-page files: the plan is made from the first page's size, as the decoder reads it;
//   - a spec naming its family's steps (filter, before, antialias, intensity: exact-steps.ts), whose
//     resampling is Pillow's or torch's, done here on decoded pixels rather than by libvips.
// The guards are the same on both routes: regular file under the byte cap (read-image-file.ts),
// pixel limit from the header before decoding (readRasterHeader), and sharp's own limitInputPixels
// behind it.
import type { Metadata } from 'sharp';
import type { ImagePreprocessSpec, PreprocessedImage } from '../types';
import type { SourceFormat } from './detect';
import { decodeDicom } from './dicom/dicom';
import { ImageError, describeThrown } from './errors';
import { usesExactSteps } from './exact-steps';
import { planResize } from './geometry';
import { type ImageLimits, maxPixelsOf } from './pixel-limit';
import { checkSpec, pipelineToTensor, preprocessImage, resizeToModelInput } from './preprocess';
import { decodeRasterWithHeader, explainSharpLimit, limitedSharp, readRasterHeader } from './raster';
import { readImageFile } from './read-image-file';

/**
 * Whether a JPEG reduced 4× or more may be decoded at 1/2, 1/4 or 1/8 of its size (libjpeg's DCT
 * scaling, "shrink-on-load"). Measured on 2,500 × 3,000 grey JPEGs → 224², one image at a time
 * (2-core machine): decode then resize ~45–80 ms, one pipeline without shrink-on-load ~30–55 ms,
 * with it ~13–18 ms. The price: with it the tensors are no longer bit-identical to decode-then-
 * resize (mean 0.2–0.5 of an 8-bit step, up to 53 steps at burnt-in labels of real JPEGs), and the
 * default model feels that: embedding cosine against the old tensors, median 0.9986, worst 0.889
 * over the covid-cxr JPEGs (re-saving those JPEGs at quality 95 moves them less: median 0.9992).
 * Without it, every 8-bit file gives exactly the old tensors (test/engine/image-pipeline-parity).
 * Part of what IMAGE_PIPELINE_VERSION names: change it together with this.
 * Off: a model's input should be what its family's preprocessing gives (decode, then resize), and
 * a worst-case embedding cosine of 0.889 is a different input, not rounding. The one pipeline
 * without it is still faster than decoding then resizing.
 */
export const SHRINK_ON_LOAD = false;

/**
 * With SHRINK_ON_LOAD, whether libjpeg may take the whole reduction. false: it shrinks by at most
 * half the factor (1/2 for a 4× reduction, 1/4 for 8×, 1/8 from 16×) and the bicubic resize does
 * the rest: 13 ms against 10 ms, but within 2/255 of decode-then-resize instead of 87/255 at fine edges.
 */
export const FAST_SHRINK_ON_LOAD = false;

/** How an image reaches its tensor: one sharp pipeline from the file's bytes, or decoded to 8-bit pixels first. */
export type ModelInputRoute = 'one-pipeline' | 'decoded';

/** An image whose header has been read and admitted; `run` makes its tensor. */
export interface ModelInputJob {
  route: ModelInputRoute;
  run(spec: ImagePreprocessSpec): Promise<PreprocessedImage>;
}

/** Reads `path` (with every file guard) and makes its model-input tensor. */
export async function modelInputFromFile(
  path: string,
  spec: ImagePreprocessSpec,
  limits?: ImageLimits,
): Promise<PreprocessedImage & { route: ModelInputRoute }> {
  const { bytes, format } = await readImageFile(path, limits);
  return modelInputFromBytes(path, bytes, format, spec, limits);
}

/** The model-input tensor of an image file's bytes (already read through readImageFile's guards). */
export async function modelInputFromBytes(
  path: string,
  bytes: Buffer,
  format: SourceFormat,
  spec: ImagePreprocessSpec,
  limits?: ImageLimits,
): Promise<PreprocessedImage & { route: ModelInputRoute }> {
  checkSpec(spec); // a bad spec is the model's fault, not the file's: a plain Error, before anything is decoded
  const job = await planModelInput(path, bytes, format, limits, spec);
  return { ...(await job.run(spec)), route: job.route };
}

/**
 * Reads the header (refusing an image over the pixel limit) and chooses the route, without
 * decoding pixels: the caller can give the costly 'decoded' route fewer slots than the other.
 * Given the spec the job will run with, a spec that needs decoded pixels gets the 'decoded' route
 * (without it, such a job still decodes, inside its 'one-pipeline' slot).
 */
export async function planModelInput(
  path: string,
  bytes: Buffer,
  format: SourceFormat,
  limits?: ImageLimits,
  spec?: ImagePreprocessSpec,
): Promise<ModelInputJob> {
  const maxPixels = maxPixelsOf(limits);
  const wrap = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (thrown) {
      // Decoders throw ImageError themselves; anything else is a library surprise, still a per-file skip.
      if (thrown instanceof ImageError) throw thrown;
      throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
    }
  };
  if (format === 'dicom') {
    return {
      route: 'decoded',
      run: (spec) => wrap(async () => preprocessImage(await decodeDicom(path, bytes, limits), spec)),
    };
  }
  const meta = await wrap(() => readRasterHeader(path, bytes, format, maxPixels));
  const decoded = (spec: ImagePreprocessSpec): Promise<PreprocessedImage> =>
    wrap(async () => {
      // A family's own steps read the file as the family does (raster.ts RasterDecodeOptions).
      const options = { familyOf: usesExactSteps(spec) ? spec : undefined };
      const img = await decodeRasterWithHeader(path, bytes, format, meta, maxPixels, options);
      return preprocessImage(img, spec);
    });
  if (!onePipelineFits(meta) || (spec !== undefined && usesExactSteps(spec))) {
    return { route: 'decoded', run: decoded };
  }
  return {
    route: 'one-pipeline',
    run: (spec) =>
      usesExactSteps(spec)
        ? decoded(spec)
        : wrap(() =>
            onePipeline(bytes, meta, spec, maxPixels).catch((thrown: unknown) => {
              throw explainSharpLimit(path, thrown, meta, maxPixels);
            }),
          ),
  };
}

/** 8-bit samples, no alpha, one page: what one pipeline reproduces (see the top of this file for the others). */
export function onePipelineFits(meta: Metadata): boolean {
  return meta.depth === 'uchar' && !meta.hasAlpha && (meta.pages ?? 1) <= 1;
}

async function onePipeline(
  bytes: Buffer,
  meta: Metadata,
  spec: ImagePreprocessSpec,
  maxPixels: number,
): Promise<PreprocessedImage> {
  // The size after EXIF orientation, which the decoder would have produced.
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  const plan = planResize(width, height, spec.size, spec.resize, spec);
  // Grey sources stay one channel; palette and CMYK images count as colour (as decodeRaster decides).
  const sourceGrey = meta.channels !== undefined && meta.channels <= 2 && !meta.isPalette;
  const grey = sourceGrey || spec.channels === 1;
  let pipeline = limitedSharp(bytes, maxPixels).autoOrient().removeAlpha();
  if ((meta.orientation ?? 1) > 1 || !SHRINK_ON_LOAD) {
    // sharp would turn or mirror the image after resizing it, which is not the same: the bicubic
    // sampling grid is not symmetric about the centre (53 steps apart at edges, measured). An
    // extract of the whole image before the resize makes sharp orient first, as decoding did; it
    // also turns shrink-on-load off (for these few files, or for all without SHRINK_ON_LOAD).
    pipeline = pipeline.extract({ left: 0, top: 0, width, height });
  }
  if (grey && !sourceGrey) pipeline = pipeline.greyscale();
  pipeline = resizeToModelInput(pipeline, plan, spec.size, { fastShrinkOnLoad: FAST_SHRINK_ON_LOAD });
  return pipelineToTensor(pipeline, grey, spec, plan);
}
