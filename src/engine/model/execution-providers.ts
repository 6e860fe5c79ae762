// Where inference runs (`--device`, `radalign.device`): which onnxruntime execution providers to try, in
// which order, and the fall back to CPU with a note that says what was asked, why it could not be used,
// and that CPU runs instead.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
// Types only at the top: the extension host imports this file (settings.ts) and must never load the native
// addon; currentEnvironment() requires onnxruntime-node when a model is opened (in the CLI or the worker).
import type { InferenceSession } from 'onnxruntime-node';
import { errorMessage } from './json-file';
import type { DeviceChoice } from './types';

/** Every value `--device` and `radalign.device` accept, in the order they are listed to users. */
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

/** When nothing is asked for: CPU, the provider every onnxruntime-node build has. */
export const DEFAULT_DEVICE: DeviceChoice = 'cpu';

/** The accelerators radalign knows; onnxruntime-node names them the same in `executionProviders`. */
export type Accelerator = Exclude<DeviceChoice, 'auto' | 'cpu'>;
/** An execution provider the sessions can be created with. */
export type ProviderName = Accelerator | 'cpu';

/** Which provider runs the model, for the run record and for the user. */
export interface DeviceUse {
  /** What was asked for (`--device`, `radalign.device`). */
  requested: DeviceChoice;
  /** The execution provider both sessions were created with: the accelerator that worked, or 'cpu'. */
  provider: ProviderName;
  /**
   * Each a full sentence for the user, when the request was not met as asked: the accelerator asked for,
   * why it cannot be used, and what runs instead. Empty when the request was met (always for 'cpu').
   */
  notes: string[];
}

export function isDeviceChoice(value: unknown): value is DeviceChoice {
  return typeof value === 'string' && (DEVICE_CHOICES as readonly string[]).includes(value);
}

/** What an unknown device value gets: names the value and every allowed one. */
export function unknownDeviceMessage(value: unknown): string {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return `unknown device ${shown}: expected one of ${DEVICE_CHOICES.join(', ')}`;
}

/**
 * `--device <name>` / `radalign.device`: trims and lower-cases, then accepts only DEVICE_CHOICES. Throws a
 * RangeError naming the value and every allowed one (commander: rethrow its message as InvalidArgumentError).
 */
export function parseDeviceChoice(value: string): DeviceChoice {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!isDeviceChoice(v)) throw new RangeError(unknownDeviceMessage(value));
  return v;
}

/**
 * Session options for one provider. CPU gets exactly what radalign always used (only the thread count,
 * no `executionProviders`), so its outputs do not change. Never executionMode 'parallel'.
 */
export function sessionOptionsFor(provider: ProviderName, threads: number): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = threads > 0 ? { intraOpNumThreads: threads } : {};
  if (provider === 'cpu') return options;
  // CPU after the accelerator: it runs the nodes the accelerator has no kernel for.
  const withProvider: InferenceSession.SessionOptions = { ...options, executionProviders: [provider, 'cpu'] };
  // DirectML supports neither memory patterns nor parallel execution (onnxruntime's DirectML docs).
  if (provider === 'dml') return { ...withProvider, enableMemPattern: false, executionMode: 'sequential' };
  return withProvider;
}

/** What the planner needs to know about this machine's onnxruntime-node; tests pass their own. */
export interface ProviderEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  /** onnxruntime-node's listSupportedBackends(): providers compiled in; `bundled: false` ones are downloaded at install. */
  backends: readonly { name: string; bundled: boolean }[];
  /** Of `files`, those missing from onnxruntime-node's binary folder; null when that folder cannot be found. */
  missingFiles(files: readonly string[]): string[] | null;
  /** The binary folder, for messages. */
  binDir: string | null;
  /** Why listSupportedBackends() failed, when it did (then `backends` is CPU alone). */
  listError?: string;
}

/** This process's onnxruntime-node. */
export async function currentEnvironment(): Promise<ProviderEnvironment> {
  const binDir = ortBinDir();
  let backends: { name: string; bundled: boolean }[];
  let listError: string | undefined;
  try {
    // require, not import(): the same CommonJS instance the sessions use, resolved as they are.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    backends = ort.listSupportedBackends();
  } catch (err) {
    backends = [{ name: 'cpu', bundled: true }];
    listError = errorMessage(err);
  }
  return {
    platform: process.platform,
    arch: process.arch,
    backends,
    ...(listError === undefined ? {} : { listError }),
    binDir,
    missingFiles: (files) => (binDir === null ? null : files.filter((f) => !existsSync(join(binDir, f)))),
  };
}

/** onnxruntime-node's bin/napi-v6/<platform>/<arch>/ (where its binding.ts loads the addon from), or null. */
function ortBinDir(): string | null {
  try {
    const dir = join(
      dirname(require.resolve('onnxruntime-node')),
      '..',
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    return existsSync(join(dir, 'onnxruntime_binding.node')) ? dir : null;
  } catch {
    return null;
  }
}

/** How each accelerator is called in messages. */
const LABEL: Record<Accelerator, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' };

/**
 * The accelerators 'auto' tries on a platform, best first; CPU always comes after them. Those the
 * onnxruntime-node build lacks are dropped by planDevice (1.30 ships CUDA for linux x64 only, DirectML for
 * windows, CoreML for macOS; a build from source may have more).
 */
export function autoAccelerators(platform: NodeJS.Platform, arch: string): Accelerator[] {
  if (platform === 'linux') return ['cuda'];
  if (platform === 'win32') return arch === 'x64' ? ['cuda', 'dml'] : ['dml'];
  if (platform === 'darwin') return ['coreml'];
  return [];
}

/**
 * Files a provider loads from onnxruntime-node's binary folder on first use. A missing one would only show
 * as onnxruntime's "Failed to load shared library" (or, for a delay-loaded DLL, worse), so it is checked first.
 */
function requiredFiles(provider: Accelerator, platform: NodeJS.Platform): string[] {
  if (provider === 'cuda' && platform === 'linux')
    return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
  if (provider === 'cuda' && platform === 'win32')
    return ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll'];
  if (provider === 'dml' && platform === 'win32') return ['DirectML.dll'];
  return [];
}

/** Why an accelerator was not used: 'absent' from this install, or it 'failed' when tried. */
interface Unusable {
  provider: Accelerator;
  kind: 'absent' | 'failed';
  why: string;
}

/** Why `provider` cannot even be tried with this onnxruntime-node, or null when it can. */
export function absenceReason(provider: Accelerator, env: ProviderEnvironment): string | null {
  const backend = env.backends.find((b) => b.name === provider);
  if (!backend && env.listError !== undefined)
    return `onnxruntime-node could not list its execution providers: ${env.listError}`;
  if (!backend) {
    const has = env.backends.map((b) => b.name).join(', ') || 'none';
    return `this onnxruntime-node build (${env.platform}/${env.arch}) has no ${LABEL[provider]} (${provider}) execution provider (it has: ${has})`;
  }
  const missing = env.missingFiles(requiredFiles(provider, env.platform));
  if (missing && missing.length > 0) {
    const where = env.binDir ?? "onnxruntime-node's binary folder";
    const files = `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not in ${where}`;
    if (provider === 'cuda') {
      return (
        `onnxruntime-node's CUDA provider is not installed (${files}): onnxruntime-node downloads it at install time unless ` +
        `ONNXRUNTIME_NODE_INSTALL=skip; reinstall it with ONNXRUNTIME_NODE_INSTALL=cuda12 (it needs CUDA 12 and cuDNN 9)`
      );
    }
    return `${files}, which the ${LABEL[provider]} provider needs`;
  }
  return null;
}

/** The accelerators to try for `choice`, in order, and those left out with the reason. */
export function planDevice(
  choice: DeviceChoice,
  env: ProviderEnvironment,
): { tryOrder: Accelerator[]; unusable: Unusable[] } {
  const wanted: Accelerator[] =
    choice === 'cpu'
      ? []
      : choice === 'auto'
        ? autoAccelerators(env.platform, env.arch).filter(
            (p) => env.listError !== undefined || env.backends.some((b) => b.name === p),
          )
        : [choice];
  const tryOrder: Accelerator[] = [];
  const unusable: Unusable[] = [];
  for (const provider of wanted) {
    const why = absenceReason(provider, env);
    if (why === null) tryOrder.push(provider);
    else unusable.push({ provider, kind: 'absent', why });
  }
  return { tryOrder, unusable };
}

/**
 * Opens with the first provider that works: the accelerators `choice` names, in order, then CPU. An
 * accelerator that cannot be used, or whose `open` throws, is noted and the next is tried; CPU's error
 * is not caught (a model that does not open on CPU is broken). `open` must release what it opened before
 * throwing. An unknown `choice` is refused before anything is opened.
 */
export async function openOnDevice<T>(
  choice: DeviceChoice,
  open: (provider: ProviderName) => Promise<T>,
  environment?: ProviderEnvironment,
): Promise<{ value: T; device: DeviceUse }> {
  if (!isDeviceChoice(choice)) throw new RangeError(unknownDeviceMessage(choice));
  const env = choice === 'cpu' ? null : (environment ?? (await currentEnvironment()));
  if (env === null) return { value: await open('cpu'), device: { requested: choice, provider: 'cpu', notes: [] } };
  const { tryOrder, unusable } = planDevice(choice, env);
  for (const provider of tryOrder) {
    try {
      const value = await open(provider);
      return { value, device: { requested: choice, provider, notes: fallbackNotes(choice, unusable, provider, env) } };
    } catch (err) {
      unusable.push({
        provider,
        kind: 'failed',
        why: `onnxruntime could not run the model with it: ${errorMessage(err).trim()}`,
      });
    }
  }
  const value = await open('cpu');
  return { value, device: { requested: choice, provider: 'cpu', notes: fallbackNotes(choice, unusable, 'cpu', env) } };
}

/** The notes for the user: nothing when the request was met; otherwise what was asked, why not, what runs. */
function fallbackNotes(
  choice: DeviceChoice,
  unusable: Unusable[],
  used: ProviderName,
  env: ProviderEnvironment,
): string[] {
  if (choice === 'cpu') return [];
  const instead = used === 'cpu' ? 'CPU' : used;
  if (choice !== 'auto') {
    return unusable.map(
      (u) => `Device '${choice}' was asked for but cannot be used: ${u.why}. Running on ${instead} instead.`,
    );
  }
  if (used !== 'cpu') {
    // 'auto' found an accelerator: an earlier one missing from this install is no news, one that failed is.
    return unusable
      .filter((u) => u.kind === 'failed')
      .map((u) => `Device 'auto': ${u.provider} cannot be used: ${u.why}. Running on ${instead}.`);
  }
  if (unusable.length === 0) {
    const known = (Object.keys(LABEL) as Accelerator[]).map((p) => `${LABEL[p]} (${p})`).join(', ');
    return [
      `Device 'auto': this onnxruntime-node build (${env.platform}/${env.arch}) has none of the accelerators radalign uses: ${known}. Running on CPU.`,
    ];
  }
  const whys = unusable.map((u) => `${u.provider}: ${u.why}`).join('; ');
  return [`Device 'auto' found no accelerator it can use (${whys}). Running on CPU.`];
}
