// The scoring results: what `radalign score --out` writes and what the extension displays.
// Field names are a contract (see README, "CLI contract"); add fields, never rename them.
import type { Heatmap } from './scoring/heatmap';
import type { SectionName, Skipped } from './types';

export interface SentenceResult {
  text: string;
  section: SectionName;
  /** Character offsets into the report text (end exclusive). */
  start: number;
  end: number;
  /**
   * How well the sentence fits, on the image cosine's scale: `imageScore` and `consistency`
   * combined (scoring/combine.ts); equals `imageScore` where consistency cannot be judged.
   */
  score: number;
  /** Cosine of the sentence embedding with the best-matching image of the study. */
  imageScore: number;
  /** TF-IDF cosine of the sentence with the rest of its report (0..1), or null (no content words, or nothing else in the report). */
  consistency: number | null;
  negated: boolean;
  uncertain: boolean;
  describesImage: boolean;
  /** Present when heatmaps were computed. */
  heatmap?: Heatmap;
}

export interface PairResult {
  id: string;
  /** Image paths relative to the dataset folder. */
  images: string[];
  /** Report file relative to the dataset folder, or the manifest origin for inline text. */
  report: string;
  /** The report text as read. */
  reportText: string;
  /** Cosine of the study's image embedding with the report embedding. */
  score: number;
  /** 0..1, dataset-relative; see scoring/suspicion.ts. */
  suspicion: number;
  /** 1 = most suspicious. */
  rank: number;
  /** Fraction of other reports that fit this image better than its own. */
  reportRank: number;
  /** Fraction of other images that fit this report better than its own. */
  imageRank: number;
  /** Ids of the pairs whose reports fit this pair's image best (own report excluded). */
  bestReports: { id: string; score: number }[];
  sentences: SentenceResult[];
  split?: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  identity: string;
  layout: string;
  heatmapKind: 'patch' | 'occlusion';
  embedDim: number;
}

export interface RunSummary {
  folder: string;
  startedAt: string;
  seconds: number;
  imagesEncoded: number;
  textsEncoded: number;
  cache: { dir: string | null; hits: number; misses: number; corrupt: number; writes: number; writeError?: string };
}

export interface ScoreResults {
  model: ModelSummary;
  pairs: PairResult[];
  skipped: Skipped[];
  run: RunSummary;
}
