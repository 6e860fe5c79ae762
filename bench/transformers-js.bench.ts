// The Transformers.js peer of the scale benchmark: the same pairs and model folder (a CLIP in the
// Optimum layout) scored the way a Transformers.js user would write it: AutoImageProcessor +
// CLIPVisionModelWithProjection for the images, AutoTokenizer + CLIPTextModelWithProjection for each
// report's describing text and its sentences (split by radalign's parser, so both sides embed the
// same texts), cosine per pair. Local files only: env.allowRemoteModels = false, nothing is downloaded.
// Run by bench/scale.bench.ts in a process of its own (`npm run bench`, or
// `node out/bench/scale.bench.js --only transformers-js`); prints nothing of note, writes one JSON object.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  env,
} from '@huggingface/transformers';
import { loadModel, parseReport } from '../src/engine';

interface Args {
  result: string;
  /** The model folder (Optimum layout). */
  model: string;
  pairs: { image: string; report: string }[];
  batchSize?: number;
  threads?: number;
  /** Texts whose embeddings are compared with radalign's for the same model (agreement check). */
  agreementTexts?: number;
}

/** Plain float data of a Transformers.js Tensor. */
interface TensorLike {
  data: Float32Array;
  dims: number[];
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function rows(t: TensorLike): Float32Array[] {
  const [n, d] = t.dims;
  return Array.from({ length: n }, (_, i) => t.data.slice(i * d, (i + 1) * d));
}

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return v.map((x) => x * inv);
}

function cos(a: Float32Array, b: Float32Array): number {
  const ua = unit(a);
  const ub = unit(b);
  let s = 0;
  for (let i = 0; i < ua.length; i++) s += ua[i] * ub[i];
  return s;
}

/** What radalign embeds for one report: its describing sentences as one text, and each sentence. */
function reportTexts(text: string): string[] {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  const sentences = parseReport(text).sentences;
  const describing = sentences.filter((s) => s.describesImage);
  const chunk = (describing.length ? describing : sentences).map((s) => clean(s.text)).join(' ');
  return [chunk, ...sentences.map((s) => clean(s.text))];
}

async function main(): Promise<void> {
  const json = process.argv[2];
  if (!json) {
    console.error(
      'transformers-js.bench.js is the Transformers.js side of `npm run bench`; run `node out/bench/scale.bench.js --only transformers-js`.',
    );
    process.exit(2);
  }
  const a = JSON.parse(json) as Args;
  const batch = a.batchSize ?? 8;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(a.model) + '/';
  env.useFSCache = false;
  env.useBrowserCache = false;
  const id = basename(a.model);
  const modelOptions = {
    dtype: 'fp32',
    device: 'cpu',
    local_files_only: true,
    ...(a.threads ? { session_options: { intraOpNumThreads: a.threads } } : {}),
  } as const;

  const t0 = process.hrtime.bigint();
  const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
  const processor = await AutoImageProcessor.from_pretrained(id, { local_files_only: true });
  const vision = await CLIPVisionModelWithProjection.from_pretrained(id, modelOptions);
  const text = await CLIPTextModelWithProjection.from_pretrained(id, modelOptions);
  const loadSeconds = seconds(t0);

  // Images: read (sharp inside RawImage), preprocess, encode, a batch at a time.
  const t1 = process.hrtime.bigint();
  const imageEmbeds: Float32Array[] = [];
  for (let at = 0; at < a.pairs.length; at += batch) {
    const images = await Promise.all(a.pairs.slice(at, at + batch).map((p) => RawImage.read(p.image)));
    const inputs = await processor(images);
    const out = (await vision(inputs)) as { image_embeds: TensorLike };
    imageEmbeds.push(...rows(out.image_embeds));
  }
  const imageSeconds = seconds(t1);

  // Texts: every pair's report text and sentences, each distinct text once, padded per batch.
  const t2 = process.hrtime.bigint();
  const perPair = a.pairs.map((p) => reportTexts(readFileSync(p.report, 'utf8')));
  const distinct = [...new Set(perPair.flat())];
  const textEmbeds = new Map<string, Float32Array>();
  for (let at = 0; at < distinct.length; at += batch) {
    const slice = distinct.slice(at, at + batch);
    const inputs = tokenizer(slice, { padding: true, truncation: true });
    const out = (await text(inputs)) as { text_embeds: TensorLike };
    rows(out.text_embeds).forEach((e, i) => textEmbeds.set(slice[i], e));
  }
  const textSeconds = seconds(t2);
  const scores = perPair.map((texts, i) => cos(imageEmbeds[i], textEmbeds.get(texts[0])!));
  const computeSeconds = seconds(t1);
  await vision.dispose();
  await text.dispose();
  const peakRssMB = process.resourceUsage().maxRSS / 1024; // before radalign's model is loaded below

  // Agreement: radalign's text embeddings for the same model and texts (not timed).
  let minTextCosine: number | null = null;
  const k = Math.min(a.agreementTexts ?? 16, distinct.length);
  if (k > 0) {
    const model = await loadModel(a.model, { threads: a.threads });
    try {
      const ours = await model.encodeTexts(distinct.slice(0, k));
      minTextCosine = Math.min(...ours.map((e, i) => cos(e, textEmbeds.get(distinct[i])!)));
    } finally {
      await model.dispose();
    }
  }

  writeFileSync(
    a.result,
    JSON.stringify({
      loadSeconds,
      imageSeconds,
      textSeconds,
      computeSeconds,
      images: a.pairs.length,
      texts: distinct.length,
      imagesPerSecond: a.pairs.length / imageSeconds,
      meanScore: scores.reduce((s, x) => s + x, 0) / scores.length,
      agreement: { texts: k, minTextCosine },
      peakRssMB,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
