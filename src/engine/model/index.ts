// The model room: load a CLIP model folder (radalign or Optimum layout) and encode images and texts with it.
export { loadModel } from './load-model';
export { planModel, checkPlanFiles } from './plan-model';
export { MANIFEST_FILE, MANIFEST_FORMAT, type RadalignManifest } from './manifest';
export type { ModelPlan } from './model-plan';
export * from './types';
