// Opens one ONNX file with onnxruntime-node and checks its input/output names against what the model folder says.
import { InferenceSession } from 'onnxruntime-node';
import { sessionOptionsFor, type ProviderName } from './execution-providers';
import { errorMessage } from './json-file';
import { ModelError } from './types';

/** Opens `file` on `provider` (default CPU); see execution-providers.ts for the options each provider gets. */
export async function openSession(
  file: string,
  threads: number,
  provider: ProviderName = 'cpu',
): Promise<InferenceSession> {
  // Default options are the fast ones here; only the thread count and the provider are configurable (never executionMode 'parallel').
  const options = sessionOptionsFor(provider, threads);
  try {
    return await InferenceSession.create(file, options);
  } catch (err) {
    const how = provider === 'cpu' ? '' : ` with the ${provider} execution provider`;
    throw new ModelError(file, `onnxruntime cannot load it${how}: ${errorMessage(err).trim()}`);
  }
}

/** Throws unless the session has input (or output) `name`; `declaredBy` says where the name came from. */
export function requireName(
  session: InferenceSession,
  file: string,
  kind: 'input' | 'output',
  name: string,
  declaredBy: string,
): void {
  const names = kind === 'input' ? session.inputNames : session.outputNames;
  if (!names.includes(name)) {
    throw new ModelError(file, `has no ${kind} '${name}' (named by ${declaredBy}); its ${kind}s are: ${list(names)}`);
  }
}

/** Throws when the session needs an input radalign will not feed (e.g. token_type_ids, or an undeclared mask). */
export function rejectUnfedInputs(session: InferenceSession, file: string, fed: string[], declaredBy: string): void {
  const unfed = session.inputNames.filter((n) => !fed.includes(n));
  if (unfed.length > 0) {
    throw new ModelError(
      file,
      `needs input(s) ${list(unfed)} that ${declaredBy} does not name; radalign feeds only ${list(fed)}`,
    );
  }
}

/** The element type of input `name` ('float32', 'int64', ...), or null when onnxruntime does not say. */
export function inputType(session: InferenceSession, name: string): string | null {
  const meta = session.inputMetadata[session.inputNames.indexOf(name)];
  return meta?.isTensor ? meta.type : null;
}

/**
 * Most items per run for input `name`: 1 when the graph was exported with batch 1, null when the batch axis
 * is dynamic (or unknown). Other fixed batch sizes would need padding, so they are refused.
 */
export function batchLimit(session: InferenceSession, file: string, name: string): 1 | null {
  const meta = session.inputMetadata[session.inputNames.indexOf(name)];
  const first = meta?.isTensor ? meta.shape[0] : undefined;
  if (typeof first !== 'number' || first <= 0) return null;
  if (first === 1) return 1;
  throw new ModelError(
    file,
    `input '${name}' has a fixed batch of ${first}; export it with a dynamic batch axis (or batch 1)`,
  );
}

function list(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ') || '(none)';
}
