// The engine's public face for the CLI, the extension, tests and benchmarks. Never imports `vscode`.
export { scoreDataset, ScoreCancelled, ScoreError, type ScoreOptions, type ScoreProgress } from './pipeline/score-dataset';
export type * from './results';
export type * from './types';
export { discover, reportText } from './dataset';
export { parseReport } from './report';
export { loadModel } from './model';
export { ModelError, type ClipModel, type ModelInfo } from './model/types';
export { defaultCacheDir } from './cache/default-dir';
