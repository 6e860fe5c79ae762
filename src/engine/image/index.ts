// Image room of the engine: decode PNG/JPEG/TIFF/WebP/DICOM to 8 bits, and preprocess for a CLIP model.
export { decodeImage } from './decode';
export { ImageError } from './errors';
export { checkImagePixels, pixelLimitProblem } from './pixel-limit';
export type { ImageLimits } from './pixel-limit';
export { preprocessImage } from './preprocess';
export { modelInputFromBytes, modelInputFromFile, planModelInput } from './model-input';
export type { ModelInputJob, ModelInputRoute } from './model-input';
export { planResize } from './geometry';
export type { ResizePlan } from './geometry';
export { decodeForDisplay, downscaleArea, DEFAULT_DISPLAY_MAX_SIDE } from './display';
export type { DisplayImage } from './display';
