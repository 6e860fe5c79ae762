// Checks a model folder before "Select model" stores it: reads its JSON declarations and checks
// that the files they name exist, without opening any ONNX file (plan-model.ts imports no
// onnxruntime, so the extension host stays free of native addons).
import { resolve } from 'node:path';
import { describeError } from '../../engine/describe-error';
import type { ModelPlan } from '../../engine/model/model-plan';
import { checkPlanFiles, planModel } from '../../engine/model/plan-model';
import { ModelError } from '../../engine/model/types';

export type ModelFolderCheck = { ok: true; plan: ModelPlan } | { ok: false; file: string; problem: string };

export async function checkModelFolder(dir: string): Promise<ModelFolderCheck> {
  try {
    const plan = await planModel(dir);
    checkPlanFiles(plan);
    return { ok: true, plan };
  } catch (e) {
    if (e instanceof ModelError) return { ok: false, file: e.file, problem: e.problem };
    return { ok: false, file: resolve(dir), problem: describeError(e) };
  }
}

/** Most recent first, no duplicates, at most `max`. */
export function rememberFolder(recent: readonly string[], folder: string, max = 5): string[] {
  return [folder, ...recent.filter((f) => f !== folder)].slice(0, max);
}
