// Reads and validates a model folder's declarations (JSON only). Kept apart from the ONNX code
// so that callers such as the extension host can check a folder without loading onnxruntime.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE, planFromManifest } from './manifest';
import type { ModelPlan } from './model-plan';
import { OPTIMUM_ONNX_DIR, planFromOptimum } from './optimum-layout';
import { ModelError } from './types';

/** The folder's plan; a ModelError names the file at fault. Does not open any ONNX file. */
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

/** Throws a ModelError when a file the plan needs is missing. */
export function checkPlanFiles(plan: ModelPlan): void {
  for (const file of [plan.vision.file, plan.text.file, plan.tokenizer.file]) {
    if (!existsSync(file)) throw new ModelError(file, `file is missing (needed by ${plan.settingsFile})`);
  }
}
