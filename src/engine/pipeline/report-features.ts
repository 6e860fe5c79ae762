// Report and sentence embeddings, cached per report text: editing one report re-encodes only it.
import { EmbeddingCache, hashKey } from '../cache/embedding-cache';
import { reportEntryShape } from '../cache/entry-shapes';
import type { ClipModel } from '../model/types';
import { meanDirection, normalize } from '../scoring/vectors';
import type { ParsedReport, ReportSentence } from '../types';

/** Bump when parsing, chunking or text clean-up changes what a report's embeddings are. */
export const REPORT_PIPELINE_VERSION = 'report-v1';

export interface ReportFeatures {
  /** Unit-length embedding of the report's image-describing text. */
  embed: Float32Array;
  /** Unit-length embedding per parsed sentence, in order. */
  sentences: Float32Array[];
}

/** Sentence text as the text encoder should see it: hard wraps and runs of spaces collapsed. */
export function modelText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Groups sentences into chunks that fit the model's text length. The report embedding is the mean
 * direction of its chunks, so long reports are not silently cut at the token limit. Only sentences
 * that describe the image take part, unless none do.
 */
export function reportChunks(
  sentences: ReportSentence[],
  countTokens: (t: string) => number,
  maxTokens: number,
): string[] {
  const describing = sentences.filter((s) => s.describesImage);
  const use = describing.length ? describing : sentences;
  const chunks: string[] = [];
  let cur = '';
  for (const s of use) {
    const t = modelText(s.text);
    const joined = cur ? `${cur} ${t}` : t;
    if (cur && countTokens(joined) > maxTokens) {
      chunks.push(cur);
      cur = t;
    } else cur = joined;
  }
  if (cur) chunks.push(cur);
  return chunks;
}

export class ReportFeatureStore {
  encoded = 0;

  constructor(
    private readonly model: ClipModel,
    private readonly cache: EmbeddingCache,
  ) {}

  /** Features per report, in order. Reports must have at least one sentence. */
  async features(reports: ParsedReport[]): Promise<ReportFeatures[]> {
    const info = this.model.info;
    const out: (ReportFeatures | null)[] = new Array(reports.length).fill(null);
    const misses: { index: number; key: string; chunks: string[]; sentences: string[] }[] = [];
    for (let i = 0; i < reports.length; i++) {
      const key = hashKey('report', REPORT_PIPELINE_VERSION, info.identity, reports[i].text);
      // The shape check makes this a miss (counted in stats.corrupt) unless it has chunks + sentences vectors of embedDim.
      const hit = await this.cache.get<{ chunks: number }>(
        key,
        reportEntryShape(info.embedDim, reports[i].sentences.length),
      );
      if (hit) {
        out[i] = fromArrays(hit.arrays, hit.meta.chunks);
        continue;
      }
      const chunks = reportChunks(reports[i].sentences, (t) => this.model.countTokens(t), info.maxTextLength);
      misses.push({ index: i, key, chunks, sentences: reports[i].sentences.map((s) => modelText(s.text)) });
    }
    if (misses.length) {
      // One model call for every distinct text of the batch ("No pneumothorax." is encoded once).
      const distinct = [...new Set(misses.flatMap((m) => [...m.chunks, ...m.sentences]))];
      const embeds = await this.model.encodeTexts(distinct);
      this.encoded += distinct.length;
      const byText = new Map(distinct.map((t, i) => [t, embeds[i]]));
      for (const m of misses) {
        const arrays = [...m.chunks, ...m.sentences].map((t) => byText.get(t)!);
        await this.cache.put(m.key, { meta: { chunks: m.chunks.length }, arrays });
        out[m.index] = fromArrays(arrays, m.chunks.length);
      }
    }
    return out as ReportFeatures[];
  }
}

function fromArrays(arrays: Float32Array[], chunks: number): ReportFeatures {
  return { embed: meanDirection(arrays.slice(0, chunks)), sentences: arrays.slice(chunks).map(normalize) };
}
