// Reading a results document (`radalign score --out`, or an older `.radalign/results.json`): the
// current format, or radalign-results/1 renamed on read (results-v1.ts), validated in full against
// the one schema (results-schema.ts). Free of Node.
import * as v from 'valibot';
import { describeIssue, RESULTS_FORMAT, type ScoreResults, ScoreResultsSchema } from './results-schema';
import { RESULTS_FORMAT_V1, renameV1Results, V1ResultsSchema } from './results-v1';

export type ParsedResults = { ok: true; results: ScoreResults } | { ok: false; problem: string };

/**
 * Parses and validates the text of a results document. `problem` names `file`, the field
 * (`pairs[3].sentences[2].heatmap.kind`) and what is wrong with it.
 */
export function parseResults(text: string, file: string): ParsedResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `${file}: not valid JSON (${(e as Error).message}); score again to rewrite it` };
  }
  const format = formatProblem(json);
  if (format) return { ok: false, problem: `${file}: ${format}` };
  if ((json as { format: unknown }).format === RESULTS_FORMAT_V1) {
    const old = v.safeParse(V1ResultsSchema, json);
    if (!old.success) return failure(old.issues, file);
    json = renameV1Results(old.output, RESULTS_FORMAT);
  }
  const parsed = v.safeParse(ScoreResultsSchema, json);
  return parsed.success ? { ok: true, results: parsed.output } : failure(parsed.issues, file);
}

function failure(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]], file: string): ParsedResults {
  const [first, ...rest] = issues;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  return { ok: false, problem: `${file}: ${describeIssue(first)}${more}` };
}

/** The format check comes first: an older or newer file fails many fields, and this says why. */
function formatProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'not a radalign results file (expected a JSON object)';
  if (!('format' in json))
    return `format: missing, so the file was written by an older radalign (before "${RESULTS_FORMAT_V1}"); score again`;
  const format = (json as { format: unknown }).format;
  if (format !== RESULTS_FORMAT && format !== RESULTS_FORMAT_V1)
    return `format: ${JSON.stringify(format)} is neither "${RESULTS_FORMAT}" nor "${RESULTS_FORMAT_V1}", so another radalign version wrote it; score again (or update radalign)`;
  return undefined;
}
