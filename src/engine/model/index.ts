// The model room: load a CLIP model folder (radalign or Optimum layout) and encode images and texts with it.
export { loadModel, planModel } from './load-model';
export { MANIFEST_FILE, MANIFEST_FORMAT, type RadalignManifest } from './manifest';
export type { ModelPlan } from './model-plan';
export * from './types';
