// Entry point: finds which layout a folder uses, validates it, and opens it as a ClipModel.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { modelIdentity } from './identity';
import { MANIFEST_FILE, planFromManifest } from './manifest';
import type { ModelPlan } from './model-plan';
import { OnnxClipModel } from './onnx-clip-model';
import { OPTIMUM_ONNX_DIR, planFromOptimum } from './optimum-layout';
import { TextTokenizer } from './tokenizer';
import { ModelError, type ClipModel, type LoadModelOptions } from './types';

/**
 * Loads a model folder: the radalign layout (model.json) or the Transformers.js/Optimum CLIP layout (onnx/).
 * Every problem with the folder is a ModelError naming the file at fault.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<ClipModel> {
  const plan = await planModel(dir);
  for (const file of [plan.vision.file, plan.text.file, plan.tokenizer.file]) {
    if (!existsSync(file)) throw new ModelError(file, `file is missing (needed by ${plan.settingsFile})`);
  }
  const tokenizer = await TextTokenizer.load(plan.tokenizer.file, plan.tokenizer.configFile, plan.maxTextLength, plan.settingsFile);
  const identity = await modelIdentity(plan.dir, plan.identityFiles);
  return OnnxClipModel.open(plan, tokenizer, identity, options);
}

/** Reads and validates a folder's declarations without opening any ONNX file. */
export async function planModel(dir: string): Promise<ModelPlan> {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new ModelError(abs, 'model folder does not exist');
  if (!statSync(abs).isDirectory()) throw new ModelError(abs, 'is not a folder; give the model folder');
  if (existsSync(join(abs, MANIFEST_FILE))) return planFromManifest(abs);
  if (existsSync(join(abs, OPTIMUM_ONNX_DIR))) return planFromOptimum(abs);
  throw new ModelError(
    abs,
    `is not a model folder: it has neither ${MANIFEST_FILE} (radalign layout) nor an ${OPTIMUM_ONNX_DIR}/ folder (Transformers.js/Optimum layout)`,
  );
}
