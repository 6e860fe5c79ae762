// Entry point: finds which layout a folder uses, validates it, and opens it as a ClipModel.
import { isDeviceChoice, unknownDeviceMessage } from './execution-providers';
import { modelIdentity } from './identity';
import { OnnxClipModel } from './onnx-clip-model';
import { checkPlanFiles, planModel } from './plan-model';
import { TextTokenizer } from './tokenizer';
import type { ClipModel, LoadModelOptions } from './types';

/**
 * Loads a model folder: the radalign layout (model.json) or the Transformers.js/Optimum CLIP layout (onnx/).
 * Every problem with the folder is a ModelError naming the file at fault. `options.device` picks the execution
 * provider (an unknown one is a RangeError); when it cannot be used the model runs on CPU, and
 * `info.device` (execution-providers.ts DeviceUse) says which provider runs and why.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<ClipModel> {
  // Refused before anything is read: the value came from a flag or a setting, not from the folder.
  if (options.device !== undefined && !isDeviceChoice(options.device))
    throw new RangeError(unknownDeviceMessage(options.device));
  const plan = await planModel(dir);
  checkPlanFiles(plan);
  const tokenizer = await TextTokenizer.load(
    plan.tokenizer.file,
    plan.tokenizer.configFile,
    plan.maxTextLength,
    plan.settingsFile,
  );
  const identity = await modelIdentity(plan.dir, plan.identityFiles, plan.identityNote);
  return OnnxClipModel.open(plan, tokenizer, identity, options);
}
