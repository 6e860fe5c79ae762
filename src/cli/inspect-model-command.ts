// `radalign inspect-model`: what a model folder makes of given images and texts, written out whole: the
// model-input tensor each image becomes (the same route scoring takes, from the file's bytes), its global and
// patch embeddings, and each text's token ids and embedding. For checking an export against its library
// (tools/export/parity.py reads this) and for seeing what a model sees; not part of scoring.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ImageError, modelInputFromFile } from '../engine/image';
import { loadModel, planModel } from '../engine/model';
import { TextTokenizer } from '../engine/model/tokenizer';
import type { ImagePreprocessSpec, InputToImageTransform } from '../engine/types';
import { cliFailure, type CliOutcome } from './cli-outcome';
import { bundledModelDir } from './default-model';
import { writeFloat32Npy } from './npy';

export const INSPECT_FORMAT = 'radalign-inspect/1';
export const INSPECT_FILE = 'inspect.json';

/** `<out>/inspect.json`; the .npy files it names lie next to it. */
export interface InspectDocument {
  format: typeof INSPECT_FORMAT;
  model: {
    id: string;
    name: string;
    layout: string;
    identity: string;
    embedDim: number;
    patchGrid: [number, number] | null;
    maxTextLength: number;
    preprocess: ImagePreprocessSpec;
  };
  texts: { text: string; ids: number[]; tokensBeforeTruncation: number; embedding: number[] }[];
  images: {
    file: string;
    route: string;
    /** .npy, float32, shape [channels, size, size]: exactly what the vision model is given. */
    pixels: string;
    embedding: number[];
    /** .npy, float32, shape [rows * cols, embedDim], row-major patches; null without a patch output. */
    patches: string | null;
    transform: InputToImageTransform;
  }[];
  skipped: { file: string; reason: string }[];
}

export interface InspectModelOptions {
  model?: string;
  image: string[];
  /** A file listing image paths, one per line: for many images (onnxruntime-node crashes on a very long argv). */
  imagesFrom?: string;
  text: string[];
  out?: string;
}

export async function runInspectModel(opts: InspectModelOptions): Promise<CliOutcome> {
  if (!opts.out) return cliFailure('--out <dir> is required: the folder inspect.json and the .npy files go to');
  let images = opts.image;
  if (opts.imagesFrom !== undefined) {
    const list = await readFile(resolve(opts.imagesFrom), 'utf8').catch(() => null);
    if (list === null) return cliFailure(`--images-from: cannot read ${resolve(opts.imagesFrom)}`);
    images = [
      ...images,
      ...list
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    ];
  }
  if (images.length === 0 && opts.text.length === 0) return cliFailure('give at least one --image or --text');
  const modelDir = opts.model ?? bundledModelDir();
  if (!modelDir) return cliFailure('no --model given and this build carries no bundled model');
  const out = resolve(opts.out);
  try {
    const plan = await planModel(modelDir);
    const tokenizer = await TextTokenizer.load(
      plan.tokenizer.file,
      plan.tokenizer.configFile,
      plan.maxTextLength,
      plan.settingsFile,
    );
    const model = await loadModel(modelDir);
    try {
      await mkdir(out, { recursive: true });
      const { info } = model;
      const doc: InspectDocument = {
        format: INSPECT_FORMAT,
        model: {
          id: info.id,
          name: info.name,
          layout: info.layout,
          identity: info.identity,
          embedDim: info.embedDim,
          patchGrid: info.patchGrid,
          maxTextLength: info.maxTextLength,
          preprocess: info.preprocess,
        },
        texts: [],
        images: [],
        skipped: [],
      };
      const textEmbeds = await model.encodeTexts(opts.text);
      opts.text.forEach((text, i) =>
        doc.texts.push({
          text,
          ids: tokenizer.encode(text),
          tokensBeforeTruncation: tokenizer.count(text),
          embedding: Array.from(textEmbeds[i]!),
        }),
      );
      const { size, channels } = info.preprocess;
      for (const [i, file] of images.entries()) {
        const path = resolve(file);
        let input;
        try {
          input = await modelInputFromFile(path, info.preprocess);
        } catch (thrown) {
          if (!(thrown instanceof ImageError)) throw thrown;
          doc.skipped.push({ file: path, reason: thrown.problem });
          continue;
        }
        const [encoding] = await model.encodeImages([input.tensor]);
        const pixels = `image-${i}-pixels.npy`;
        await writeFloat32Npy(join(out, pixels), input.tensor, [channels, size, size]);
        let patches: string | null = null;
        if (encoding!.patches && info.patchGrid) {
          patches = `image-${i}-patches.npy`;
          const [rows, cols] = info.patchGrid;
          await writeFloat32Npy(join(out, patches), encoding!.patches, [rows * cols, info.embedDim]);
        }
        doc.images.push({
          file: path,
          route: input.route,
          pixels,
          embedding: Array.from(encoding!.embed),
          patches,
          transform: input.transform,
        });
      }
      await writeFile(join(out, INSPECT_FILE), JSON.stringify(doc, null, 1) + '\n');
      const skipped = doc.skipped.map((s) => `  skipped ${s.file}: ${s.reason}\n`).join('');
      return {
        code: 0,
        stdout:
          `${info.name} (${info.id}): ${doc.images.length} image(s), ${doc.texts.length} text(s) → ` +
          `${join(out, INSPECT_FILE)}\n${skipped}`,
      };
    } finally {
      await model.dispose();
    }
  } catch (thrown) {
    return cliFailure(thrown);
  }
}
