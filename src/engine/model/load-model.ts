// Entry point: finds which layout a folder uses, validates it, and opens it as a ClipModel.
import { modelIdentity } from './identity';
import { OnnxClipModel } from './onnx-clip-model';
import { checkPlanFiles, planModel } from './plan-model';
import { TextTokenizer } from './tokenizer';
import type { ClipModel, LoadModelOptions } from './types';

/**
 * Loads a model folder: the radalign layout (model.json) or the Transformers.js/Optimum CLIP layout (onnx/).
 * Every problem with the folder is a ModelError naming the file at fault.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<ClipModel> {
  const plan = await planModel(dir);
  checkPlanFiles(plan);
  const tokenizer = await TextTokenizer.load(plan.tokenizer.file, plan.tokenizer.configFile, plan.maxTextLength, plan.settingsFile);
  const identity = await modelIdentity(plan.dir, plan.identityFiles);
  return OnnxClipModel.open(plan, tokenizer, identity, options);
}
