// A results store of the previous version (summary radalign-results/2, index
// radalign-results-index/1, pairs with the names before issue 12), read as the current one: its
// index entries and pair records renamed on read (the renamed fields checked under their old names
// first, so a problem names the field as the file spells it). Its other files (heatmaps,
// embeddings, ranking, skipped list) are unchanged, so a `--save` run over it reuses its unchanged
// pairs. Nothing writes this version any more.
import * as v from 'valibot';
import { count, legacyReportPath, relativePath } from '../results-schema';
import { renameV1Pair, reportSource, V1PairSchema } from '../results-v1';
import {
  checkValue,
  INDEX_FORMAT,
  INDEX_FORMAT_V1,
  type IndexEntry,
  parseJsonFile,
  type StoreIndex,
} from './store-schema';
import { type StoredPair, StoredPairSchema } from './stored-pair';

const IndexV1Schema = v.object({
  format: v.literal(INDEX_FORMAT_V1),
  pairs: v.array(
    v.tuple(
      [
        v.pipe(v.string(), v.minLength(1, 'expected a pair id')),
        count,
        count,
        v.number(),
        v.number(),
        v.string(),
        legacyReportPath,
        v.array(relativePath),
      ],
      'expected [id, offset, length, suspicion, score, inputKey, report, images]',
    ),
  ),
});

/** A radalign-results-index/1 file's entries in the current form. */
export function parseIndexV1(text: string, file: string): StoreIndex {
  const old = parseJsonFile(IndexV1Schema, text, file);
  return {
    format: INDEX_FORMAT,
    pairs: old.pairs.map(([id, offset, length, suspicion, cosine, inputKey, report, images]): IndexEntry => {
      const { reportFile, reportRow } = reportSource(report);
      return [id, offset, length, suspicion, cosine, inputKey, reportFile, reportRow, images];
    }),
  };
}

/** One pair record of a radalign-results/2 store in the current form; the error names `where` and the field. */
export function parseStoredPairV2(line: string, where: string): StoredPair {
  const old = parseJsonFile(V1PairSchema, line, where);
  return checkValue(StoredPairSchema, renameV1Pair(old), where);
}
