// Scores within one pair: report vs study, each sentence vs its best image, sentence heatmaps.
import type { SentenceResult } from '../results';
import { gridBox, occlusionDrop, patchSimilarity, roundValues, smoothGrid, type Heatmap } from '../scoring/heatmap';
import { dot, meanDirection } from '../scoring/vectors';
import type { ParsedReport } from '../types';
import type { ImageFeatures } from './image-features';
import type { ReportFeatures } from './report-features';

export interface PairScore {
  /** Unit-length study embedding (mean direction of its images). */
  study: Float32Array;
  /** Cosine of the study embedding with the report embedding. */
  cosine: number;
  sentences: SentenceResult[];
}

/** @param smoothingPasses passes of [1 2 1] smoothing over patch heatmaps (occlusion maps are left as they are). */
export function scorePair(
  images: ImageFeatures[],
  report: ParsedReport,
  features: ReportFeatures,
  withHeatmaps: boolean,
  smoothingPasses = 1,
): PairScore {
  const study = meanDirection(images.map((i) => i.embed));
  const sentences = report.sentences.map((s, k): SentenceResult => {
    const emb = features.sentences[k];
    let best = 0;
    let cosine = -Infinity;
    images.forEach((img, i) => {
      const c = dot(emb, img.embed);
      if (c > cosine) {
        cosine = c;
        best = i;
      }
    });
    const result: SentenceResult = {
      text: s.text,
      section: s.section,
      start: s.start,
      end: s.end,
      // Evidence is the image cosine until consistency is combined in, once the whole dataset is read (rank-parts.ts).
      evidence: round(cosine),
      imageCosine: round(cosine),
      consistency: null,
      negated: s.negated,
      uncertain: s.uncertain,
      describesImage: s.describesImage,
    };
    const map = withHeatmaps ? sentenceHeatmap(emb, images[best], best, smoothingPasses) : null;
    if (map) result.heatmap = map;
    return result;
  });
  return { study, cosine: round(dot(study, features.embed)), sentences };
}

function sentenceHeatmap(
  sentence: Float32Array,
  img: ImageFeatures,
  imageIndex: number,
  smoothingPasses: number,
): Heatmap | null {
  if (!img.cells || !img.cellKind) return null;
  const raw =
    img.cellKind === 'patch'
      ? smoothGrid(patchSimilarity(sentence, img.cells, img.rows, img.cols), img.rows, img.cols, smoothingPasses)
      : occlusionDrop(sentence, img.embed, img.cells, img.rows * img.cols);
  return {
    kind: img.cellKind,
    imageIndex,
    rows: img.rows,
    cols: img.cols,
    values: roundValues(raw),
    box: gridBox(img.transform),
  };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
