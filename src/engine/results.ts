// The scoring results: what `radalign score --out` writes and what the extension displays.
// Field names are a contract (README, "Output contract"): add fields freely; a rename takes a new
// format version that still reads the previous one (results-v1.ts, results-store/store-v2.ts).
// The types are derived from the one schema (results-schema.ts), which also validates a results
// file read back from disk; the field documentation lives there.
export type { Heatmap, ModelSummary, PairResult, RunSummary, ScoreResults, SentenceResult } from './results-schema';
