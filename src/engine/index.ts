// The engine's public face for the CLI, the extension, tests and benchmarks. Never imports `vscode`.
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
export { folderLocation, radalignLocation, type StoreLocation } from './results-store/location';
export type * from './results';
export type * from './types';
export { discover, reportText } from './dataset';
export { parseReport } from './report';
export { loadModel } from './model';
export { ModelError, type ClipModel, type ModelInfo } from './model/types';
export { defaultCacheDir } from './cache/default-dir';
