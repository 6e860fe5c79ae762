// Scoring a dataset: the entry points of the pipeline (and the model and report parser it runs,
// which benchmarks call alone), with the types they take and give, for the programs that score:
// the CLI, the score worker, tests and benchmarks. Not the whole engine:
// the review, the results files, the dataset layouts and the image decoders are imported from
// their own modules, by what they are. Importing any value from here loads onnxruntime and sharp,
// so the extension host never does (it reaches scoring only through the score worker). Never
// imports `vscode`.
export {
  mergeShards,
  resultsInMemory,
  scoreDataset,
  scoreShard,
  scoreToStore,
  ScoreCancelled,
  ScoreError,
  type ScoreOptions,
  type ScoreProgress,
} from './pipeline/score-dataset';
export { StoredResults } from './results-store/results-store';
export type * from './results';
export type * from './types';
export { discover } from './dataset';
export { parseReport } from './report';
export { loadModel } from './model';
export { ModelError, type ClipModel, type ModelInfo } from './model/types';
