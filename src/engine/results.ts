// The scoring results: what `radalign score --out` writes and what the extension displays.
// Field names are a contract (see README, "CLI contract"); add fields, never rename them.
// The types are derived from the one schema (results-schema.ts), which also validates a results
// file read back from disk; the field documentation lives there.
export type { Heatmap, ModelSummary, PairResult, RunSummary, ScoreResults, SentenceResult } from './results-schema';
