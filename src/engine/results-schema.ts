// The scoring results' contract, defined once: this valibot schema is what `radalign score --out`
// and the extension write to `<dataset>/.radalign/results.json`, what the extension accepts when
// it reads such a file back, and (v.InferOutput, re-exported by results.ts) the types the engine
// fills in. A dataset folder comes from someone else, so a saved results file is untrusted input:
// every number must be finite, offsets must lie in their text, and every path it names must stay
// relative to the dataset folder (the extension still gates each path before opening it).
// Free of Node: the review panel's webview validates its slice of these schemas too.
import * as v from 'valibot';
import { SECTION_NAMES } from './report/section-names';
import { isManifestOrigin } from './report-origin';

/**
 * Written as `format` by every run. The `radalign-results/N` numbers are shared with the saved
 * store's summary (results-store/store-schema.ts): 1 was this document with the names before
 * issue 12 (`score`, `report`, `imageScore`), 2 that store, 3 this document with today's names.
 * Version 1 is still read (results-store/previous-versions.ts); any other format is refused.
 */
export const RESULTS_FORMAT = 'radalign-results/3';

// ------------------------------------------------------------------ leaves

export const HEATMAP_KINDS = ['patch', 'occlusion'] as const;

export const finite = v.pipe(v.number('expected a number'), v.finite('expected a finite number'));
export const count = v.pipe(
  v.number('expected a number'),
  v.safeInteger('expected a whole number'),
  v.minValue(0, 'expected 0 or more'),
);
const positiveCount = v.pipe(count, v.minValue(1, 'expected 1 or more'));
/** 0..1; a little slack above 1 for rounded cosines. */
export const fraction = v.pipe(finite, v.minValue(0, 'expected 0..1'), v.maxValue(1 + 1e-5, 'expected 0..1'));

/**
 * Absolute on POSIX or Windows, or naming a drive: what path.posix.isAbsolute, path.win32.isAbsolute
 * and a drive letter test say together (a leading slash or backslash, or a letter and a colon).
 */
function isAbsoluteAnywhere(p: string): boolean {
  return /^([\\/]|[a-zA-Z]:)/.test(p);
}

/** Why `p` is not a path relative to the dataset folder that stays inside it; undefined when it is. */
export function relativePathProblem(p: string): string | undefined {
  if (p === '') return 'empty path';
  if (p.includes('\0')) return 'path holds a NUL character';
  if (isAbsoluteAnywhere(p)) return `"${p}" is absolute; expected a path relative to the dataset folder`;
  if (p.split(/[\\/]/).includes('..')) return `"${p}" has a ".." segment; expected a path inside the dataset folder`;
  return undefined;
}

export const relativePath = v.pipe(
  v.string('expected a path'),
  v.check(
    (p: string) => relativePathProblem(p) === undefined,
    (issue) => relativePathProblem(String(issue.input)) ?? 'not a relative path',
  ),
);

/** A manifest row label, "table.csv#row 3" (report-origin.ts). */
export const reportRowLabel = v.pipe(
  v.string('expected a manifest row label'),
  v.check(
    isManifestOrigin,
    (issue) => `${JSON.stringify(issue.input)} is not a manifest row label such as "table.csv#row 3"`,
  ),
);

/** Before results format 3: a report file's path or a manifest row label in one field (read back only). */
export const legacyReportPath = v.pipe(
  v.string('expected a path'),
  v.check(
    (p: string) => isManifestOrigin(p) || relativePathProblem(p) === undefined,
    (issue) =>
      `${relativePathProblem(String(issue.input)) ?? 'not a path'}, and not a manifest row label such as "table.csv#row 3" either`,
  ),
);

/** Where a pair's report came from: exactly one of the two is non-null. */
export const ReportSourceFields = {
  /** The report file, relative to the dataset folder; null when a manifest row gives the text inline. */
  reportFile: v.nullable(relativePath),
  /** The manifest row that gives the text inline ("table.csv#row 3", report-origin.ts); null for a report file. */
  reportRow: v.nullable(reportRowLabel),
};

/** The issue when a pair names both a report file and a manifest row, or neither. */
export function reportSourceProblem(p: { reportFile: string | null; reportRow: string | null }): string | undefined {
  if ((p.reportFile === null) === (p.reportRow === null))
    return p.reportFile === null
      ? 'expected a reportFile or a reportRow, got neither'
      : 'expected a reportFile or a reportRow, got both';
  return undefined;
}

// ------------------------------------------------------------------ heatmap, sentence, pair

/** A heatmap's grid without its values: the stored form (values live in a binary side file). */
export const HeatmapGridSchema = v.object({
  /** 'patch': cosine of the sentence with each projected patch embedding (smoothed).
   *  'occlusion': how much the sentence–image cosine drops when that cell is greyed out. */
  kind: v.picklist(HEATMAP_KINDS),
  /** Index into the pair's images of the image this map is drawn on. */
  imageIndex: count,
  rows: positiveCount,
  cols: positiveCount,
  /** Where the grid lies in original image pixels: [x0, y0, x1, y1] (may extend past the image for letterboxed inputs). */
  box: v.tuple([finite, finite, finite, finite], 'expected [x0, y0, x1, y1]'),
});

export const HeatmapSchema = v.pipe(
  v.object({
    ...HeatmapGridSchema.entries,
    /** Row-major, `rows * cols` values. */
    values: v.array(finite, 'expected an array of numbers'),
  }),
  v.forward(
    v.check(
      (h) => h.values.length === h.rows * h.cols,
      (issue) => {
        const h = issue.input;
        return `expected rows × cols = ${h.rows * h.cols} values, got ${h.values.length}`;
      },
    ),
    ['values'],
  ),
);

/** A sentence's fields other than its heatmap (shared by the results file and the stored form). */
export const SentenceFieldsSchema = v.object({
  text: v.string('expected text'),
  section: v.picklist(SECTION_NAMES),
  /** Character offsets into the report text (end exclusive). */
  start: count,
  end: count,
  /**
   * How well the sentence fits, on the image cosine's scale: `imageCosine` and `consistency`
   * combined (scoring/combine.ts); equals `imageCosine` where consistency cannot be judged.
   */
  evidence: finite,
  /** Cosine of the sentence embedding with the best-matching image of the study. */
  imageCosine: finite,
  /** TF-IDF cosine of the sentence with the rest of its report (0..1), or null (no content words, or nothing else in the report). */
  consistency: v.nullable(fraction),
  negated: v.boolean('expected true or false'),
  uncertain: v.boolean('expected true or false'),
  describesImage: v.boolean('expected true or false'),
});

/** The message when a sentence ends before it starts. */
export function endBeforeStart(s: { start: number; end: number }): string {
  return `expected end ≥ start (${s.start}), got ${s.end}`;
}

export const SentenceResultSchema = v.pipe(
  v.object({
    ...SentenceFieldsSchema.entries,
    /** Present when heatmaps were computed. */
    heatmap: v.optional(HeatmapSchema),
  }),
  v.forward(
    v.check(
      (s) => s.start <= s.end,
      (issue) => endBeforeStart(issue.input),
    ),
    ['end'],
  ),
);

export const PairResultSchema = v.pipe(
  v.object({
    id: v.pipe(v.string('expected text'), v.minLength(1, 'expected a pair id')),
    /** Image paths relative to the dataset folder. */
    images: v.pipe(v.array(relativePath, 'expected an array of paths'), v.minLength(1, 'expected at least one image')),
    ...ReportSourceFields,
    /** The report text as read. */
    reportText: v.string('expected text'),
    /** Cosine of the study's image embedding with the report embedding. */
    cosine: finite,
    /** 0..1, dataset-relative; see scoring/suspicion.ts. */
    suspicion: fraction,
    /** 1 = most suspicious. */
    rank: positiveCount,
    /** Fraction of other reports that fit this image better than its own. */
    reportRank: fraction,
    /** Fraction of other images that fit this report better than its own. */
    imageRank: fraction,
    /** Ids of the pairs whose reports fit this pair's image best (own report excluded), and their reports' cosine with it. */
    bestReports: v.array(v.object({ id: v.string('expected text'), cosine: finite }), 'expected an array'),
    sentences: v.array(SentenceResultSchema, 'expected an array of sentences'),
    split: v.optional(v.string('expected text')),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const pair = dataset.value;
    const source = reportSourceProblem(pair);
    if (source) addIssue({ message: source, path: pathTo(pair, ['reportFile']) });
    pair.sentences.forEach((s, i) => {
      const at = (...keys: (string | number)[]) => pathTo(pair, ['sentences', i, ...keys]);
      if (s.end > pair.reportText.length) {
        addIssue({
          message: `offset ${s.end} lies past the end of reportText (${pair.reportText.length} characters)`,
          path: at('end'),
        });
      }
      if (s.heatmap && s.heatmap.imageIndex >= pair.images.length) {
        addIssue({
          message: `image ${s.heatmap.imageIndex} does not exist (the pair has ${pair.images.length})`,
          path: at('heatmap', 'imageIndex'),
        });
      }
    });
  }),
);

// ------------------------------------------------------------------ the whole file

export const ModelSummarySchema = v.object({
  id: v.string('expected text'),
  name: v.string('expected text'),
  identity: v.string('expected text'),
  layout: v.string('expected text'),
  heatmapKind: v.picklist(HEATMAP_KINDS),
  embedDim: positiveCount,
});

export const RunSummarySchema = v.object({
  folder: v.string('expected text'),
  startedAt: v.string('expected text'),
  seconds: v.pipe(finite, v.minValue(0, 'expected 0 or more')),
  imagesEncoded: count,
  textsEncoded: count,
  cache: v.object({
    dir: v.nullable(v.string('expected text')),
    hits: count,
    misses: count,
    corrupt: count,
    writes: count,
    writeError: v.optional(v.string('expected text')),
  }),
  /** Pairs whose inputs had not changed since the previous run, so their scores were kept (only re-ranked). */
  pairsReused: v.optional(count),
  /** Image files read and hashed; the others were recognised by size, modification time and inode. */
  imagesHashed: v.optional(count),
  /** 'updated': few pairs changed since the saved results, so their ranking was updated from it; 'full': every pair against every other. */
  ranking: v.optional(v.picklist(['full', 'updated'])),
  /** Parts the run was scored in (`radalign score --shard`, then `radalign merge`). */
  shards: v.optional(count),
  /** Where inference ran (`--device`), and why not where it was asked to. */
  device: v.optional(
    v.object({
      requested: v.string('expected text'),
      provider: v.string('expected text'),
      notes: v.array(v.string('expected text')),
    }),
  ),
});

/** Matches Skipped (types.ts): absolute path of the file, or a manifest path plus `#row N`. */
export const SkippedSchema = v.object({ path: v.string('expected text'), reason: v.string('expected text') });

export const ScoreResultsSchema = v.pipe(
  v.object({
    format: v.literal(RESULTS_FORMAT),
    model: ModelSummarySchema,
    pairs: v.array(PairResultSchema, 'expected an array of pairs'),
    skipped: v.array(SkippedSchema, 'expected an array'),
    run: RunSummarySchema,
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    dataset.value.pairs.forEach((p, i) => {
      if (seen.has(p.id))
        addIssue({
          message: `pair id "${p.id}" appears twice; ids must be unique`,
          path: pathTo(dataset.value, ['pairs', i, 'id']),
        });
      seen.add(p.id);
    });
  }),
);

export type Heatmap = v.InferOutput<typeof HeatmapSchema>;
export type SentenceResult = v.InferOutput<typeof SentenceResultSchema>;
export type PairResult = v.InferOutput<typeof PairResultSchema>;
export type ModelSummary = v.InferOutput<typeof ModelSummarySchema>;
export type RunSummary = v.InferOutput<typeof RunSummarySchema>;
export type ScoreResults = v.InferOutput<typeof ScoreResultsSchema>;

// ------------------------------------------------------------------ describing a problem

/** Checks on one number, whose issue names the number itself. */
const NUMBER_CHECKS = new Set(['finite', 'safe_integer', 'min_value', 'max_value']);

export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = formatPath(issue.path);
  const what =
    issue.kind === 'schema'
      ? schemaProblem(issue)
      : NUMBER_CHECKS.has(issue.type)
        ? `${issue.message}, got ${issue.received}`
        : issue.message;
  return where ? `${where}: ${what}` : what;
}

function schemaProblem(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.at(-1) as { origin?: string } | undefined;
  if (last?.origin === 'key') return 'missing';
  // This file's own wording ('expected a number') where it has one, else valibot's `expected`.
  const expected = issue.message.startsWith('expected')
    ? issue.message
    : `expected ${issue.expected?.replace(/^\((.*)\)$/, '$1')}`;
  return `${expected}, got ${issue.received}`;
}

/** `pairs[3].sentences[2].heatmap.kind`. */
function formatPath(path: v.BaseIssue<unknown>['path']): string {
  let out = '';
  for (const item of path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Issue path items for `keys` below `root` (rawCheck issues point at the field they concern). */
export function pathTo(root: unknown, keys: (string | number)[]): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const items: v.IssuePathItem[] = [];
  let input = root as Record<string, unknown> | unknown[];
  for (const key of keys) {
    const value = (input as Record<string | number, unknown>)[key];
    items.push(
      typeof key === 'number'
        ? { type: 'array', origin: 'value', input: input as unknown[], key, value }
        : { type: 'object', origin: 'value', input: input as Record<string, unknown>, key, value },
    );
    input = value as Record<string, unknown>;
  }
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}
