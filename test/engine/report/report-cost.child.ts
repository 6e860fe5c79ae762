// One costly report job, run in a worker thread by report-cost.test.ts: mocha cannot interrupt
// synchronous code, so a regression to quadratic cost would stall the suite for many minutes;
// in a worker it ends at the test's deadline, when the worker is terminated.
import { parentPort, workerData } from 'node:worker_threads';
import { parseReport } from '../../../src/engine/report';
import { inverseDocumentFrequency, sentenceConsistency, terms } from '../../../src/engine/scoring/consistency';
import { countMapOps } from '../../helpers/map-ops';
import { longReport } from '../../helpers/long-report';

export type CostJob = { kind: 'parse'; text: string } | { kind: 'report'; sentences: number; seed: number };

export interface CostResult {
  bytes: number;
  sentences: number;
  parseMs: number;
  /** Offsets that do not slice back to their sentence (should be none). */
  badOffsets: number;
  /** For 'report': consistency time, Map operations, content words, and values outside 0..1. */
  consistencyMs?: number;
  mapOps?: number;
  words?: number;
  outOfRange?: number;
  nonNull?: number;
}

function run(job: CostJob): CostResult {
  const text = job.kind === 'parse' ? job.text : longReport(job.sentences, job.seed);
  const t0 = performance.now();
  const parsed = parseReport(text);
  const parseMs = performance.now() - t0;
  const badOffsets = parsed.sentences.filter((s) => text.slice(s.start, s.end) !== s.text).length;
  const result: CostResult = {
    bytes: Buffer.byteLength(text),
    sentences: parsed.sentences.length,
    parseMs,
    badOffsets,
  };
  if (job.kind === 'parse') return result;

  const sentences = parsed.sentences.map((s) => s.text);
  const words = sentences.reduce((n, s) => n + terms(s).length, 0);
  const idf = inverseDocumentFrequency([sentences.flatMap(terms)]);
  const t1 = performance.now();
  // The budget stops a quadratic version at once (it would need ~10⁹ operations here).
  const { result: c, ops } = countMapOps(() => sentenceConsistency(sentences, idf), 40 * words);
  return {
    ...result,
    consistencyMs: performance.now() - t1,
    mapOps: ops,
    words,
    outOfRange: c.filter((v) => v !== null && !(v >= 0 && v <= 1 + 1e-12)).length,
    nonNull: c.filter((v) => v !== null).length,
  };
}

try {
  parentPort!.postMessage({ ok: true, result: run(workerData as CostJob) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: (err as Error).message });
}
