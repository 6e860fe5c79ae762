// test/helpers/result-builders.ts — builders for the results' types, so that tests build their
// fixtures rather than cast hand-made objects (`as unknown as ScoreResults`). Each takes the fields
// a test cares about as overrides over plain defaults and returns a value the one schema
// (src/engine/results-schema.ts) accepts, or throws naming the field the overrides made invalid.
// A test of hostile input (paths that escape the folder, wrong types) builds with `unchecked: true`.
import * as v from 'valibot';
import {
  describeIssue,
  PairResultSchema,
  RESULTS_FORMAT,
  ScoreResultsSchema,
  SentenceResultSchema,
  type PairResult,
  type ScoreResults,
  type SentenceResult,
} from '../../src/engine/results-schema';

export interface BuildOptions {
  /** Skip the schema check: for tests that feed the code what no valid results file holds. */
  unchecked?: boolean;
}

function checked<T extends v.GenericSchema>(
  schema: T,
  value: unknown,
  what: string,
  o: BuildOptions,
): v.InferOutput<T> {
  if (o.unchecked) return value as v.InferOutput<T>;
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw new Error(`${what} built for a test is not valid: ${describeIssue(parsed.issues[0])}`);
  return parsed.output;
}

/** A findings sentence of "Small left pleural effusion." at offset 0, evidence 0.2, no heatmap. */
export function sentenceResult(overrides: Partial<SentenceResult> = {}, o: BuildOptions = {}): SentenceResult {
  const text = overrides.text ?? 'Small left pleural effusion.';
  const start = overrides.start ?? 0;
  const evidence = overrides.evidence ?? 0.2;
  const sentence: SentenceResult = {
    text,
    section: 'findings',
    start,
    end: start + text.length,
    evidence,
    imageCosine: evidence,
    consistency: null,
    negated: false,
    uncertain: false,
    describesImage: true,
    ...overrides,
  };
  return checked(SentenceResultSchema, sentence, 'sentence', o);
}

/** The sentences of `reportText`, one per run of text ending in ".", with their offsets. */
export function sentencesOf(reportText: string, evidence: readonly number[] = []): SentenceResult[] {
  const out: SentenceResult[] = [];
  const re = /[^.]+\./g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(reportText))) {
    const lead = m[0].length - m[0].trimStart().length;
    const text = m[0].trim();
    out.push(
      sentenceResult({ text, start: m.index + lead, evidence: evidence[out.length] ?? 0.2 }, { unchecked: true }),
    );
  }
  return out;
}

/**
 * Pair `id` (default "p1") ranked first, image `<id>.png`, report file `<id>.txt` (or, given a
 * `reportRow`, no file), its sentences found in `reportText` unless given.
 */
export function pairResult(overrides: Partial<PairResult> = {}, o: BuildOptions = {}): PairResult {
  const id = overrides.id ?? 'p1';
  const reportText = overrides.reportText ?? 'FINDINGS: Small left pleural effusion. No pneumothorax.';
  const rowGiven = overrides.reportRow !== undefined && overrides.reportRow !== null;
  const pair: PairResult = {
    id,
    images: [`${id}.png`],
    reportFile: rowGiven ? null : `${id}.txt`,
    reportRow: null,
    reportText,
    cosine: 0.25,
    suspicion: 0.9,
    rank: 1,
    reportRank: 0.5,
    imageRank: 0.25,
    bestReports: [],
    sentences: sentencesOf(reportText),
    ...overrides,
  };
  return checked(PairResultSchema, pair, `pair "${id}"`, o);
}

/** A run of the tiny model over `pairs` (default: one pairResult()), nothing skipped. */
export function scoreResults(overrides: Partial<ScoreResults> = {}, o: BuildOptions = {}): ScoreResults {
  const results: ScoreResults = {
    format: RESULTS_FORMAT,
    model: { id: 'tiny', name: 'Tiny CLIP', identity: 'x', layout: 'radalign', heatmapKind: 'patch', embedDim: 8 },
    pairs: [pairResult({}, o)],
    skipped: [],
    run: {
      folder: '/data',
      startedAt: '2025-01-01T00:00:00Z',
      seconds: 1,
      imagesEncoded: 0,
      textsEncoded: 0,
      cache: { dir: null, hits: 0, misses: 0, corrupt: 0, writes: 0 },
    },
    ...overrides,
  };
  return checked(ScoreResultsSchema, results, 'results', o);
}
