// A ClipModel over two onnxruntime sessions: batching, a load-time dry run that checks the shapes agree, dispose.
import { basename } from 'node:path';
import { DEFAULT_DEVICE, openOnDevice, type DeviceUse, type ProviderName } from './execution-providers';
import { errorMessage } from './json-file';
import type { ModelPlan } from './model-plan';
import { openSession } from './onnx-session';
import { TextRunner } from './text-runner';
import type { TextTokenizer } from './tokenizer';
import { ModelError, type ClipModel, type ImageEncoding, type LoadModelOptions, type ModelInfo } from './types';
import { VisionRunner } from './vision-runner';

const DEFAULT_BATCH_SIZE = 8;

/** ModelInfo with the execution provider in use (ModelInfo.device once types.ts declares it). */
export type OnnxModelInfo = ModelInfo & { device: DeviceUse };

/** Both sessions on one provider, checked by the dry run. */
interface OpenSessions {
  vision: VisionRunner;
  text: TextRunner;
  embedDim: number;
  patchGrid: [number, number] | null;
  release: () => Promise<void>;
}

export class OnnxClipModel implements ClipModel {
  private disposed = false;

  private constructor(
    readonly info: OnnxModelInfo,
    private readonly vision: VisionRunner,
    private readonly text: TextRunner,
    private readonly tokenizer: TextTokenizer,
    private readonly batchSize: number,
    private readonly release: () => Promise<void>,
  ) {}

  /**
   * Opens both sessions, checks names against the plan and runs one sample through each to check shapes:
   * on the accelerator `options.device` asks for when that works, else on CPU (info.device says which, and why).
   */
  static async open(
    plan: ModelPlan,
    tokenizer: TextTokenizer,
    identity: string,
    options: LoadModelOptions = {},
  ): Promise<OnnxClipModel> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a whole number ≥ 1 (got ${batchSize})`);
    const threads = options.threads ?? 0;

    const { value: opened, device } = await openOnDevice(options.device ?? DEFAULT_DEVICE, (provider) =>
      openSessions(plan, tokenizer, threads, provider),
    );
    const { vision, text, embedDim, patchGrid, release } = opened;
    const info: OnnxModelInfo = {
      id: plan.id,
      name: plan.name,
      dir: plan.dir,
      layout: plan.layout,
      identity,
      embedDim,
      patchGrid,
      heatmapKind: patchGrid ? 'patch' : 'occlusion',
      maxTextLength: plan.maxTextLength,
      logitScale: plan.logitScale,
      preprocess: plan.preprocess,
      device,
    };
    return new OnnxClipModel(info, vision, text, tokenizer, batchSize, release);
  }

  async encodeImages(tensors: Float32Array[]): Promise<ImageEncoding[]> {
    this.assertOpen();
    const want = this.vision.tensorLength;
    tensors.forEach((t, i) => {
      if (t.length !== want) {
        const { channels, size } = this.info.preprocess;
        throw new RangeError(
          `image tensor ${i} has ${t.length} values; ${this.info.id} needs ${channels}×${size}×${size} = ${want}`,
        );
      }
    });
    return inBatches(tensors, limit(this.batchSize, this.vision.maxBatch), (batch) => this.vision.run(batch));
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    this.assertOpen();
    const ids = texts.map((t) => this.tokenizer.encode(t));
    return inBatches(ids, limit(this.batchSize, this.text.maxBatch), (batch) => this.text.run(batch));
  }

  countTokens(text: string): number {
    return this.tokenizer.count(text);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.release();
  }

  private assertOpen(): void {
    if (this.disposed) throw new Error(`model ${this.info.id} has been disposed`);
  }
}

/** Both sessions on `provider`, names checked and the dry run passed; everything opened is released on failure. */
async function openSessions(
  plan: ModelPlan,
  tokenizer: TextTokenizer,
  threads: number,
  provider: ProviderName,
): Promise<OpenSessions> {
  const visionSession = await openSession(plan.vision.file, threads, provider);
  const textSession = await openSession(plan.text.file, threads, provider).catch(async (err: unknown) => {
    await visionSession.release();
    throw err;
  });
  const release = async (): Promise<void> => {
    await Promise.all([visionSession.release(), textSession.release()]);
  };
  try {
    const declaredBy = basename(plan.settingsFile);
    const vision = new VisionRunner(visionSession, plan.vision, plan.preprocess, declaredBy);
    const text = new TextRunner(textSession, plan.text, tokenizer.padId, declaredBy);
    const { embedDim, patchGrid } = await dryRun(plan, vision, text, tokenizer);
    return { vision, text, embedDim, patchGrid, release };
  } catch (err) {
    await release();
    throw err;
  }
}

/** One zero image and one empty text through the models: the embedding widths must agree with each other and the plan. */
async function dryRun(
  plan: ModelPlan,
  vision: VisionRunner,
  text: TextRunner,
  tokenizer: TextTokenizer,
): Promise<{ embedDim: number; patchGrid: [number, number] | null }> {
  const settings = basename(plan.settingsFile);
  const { channels, size } = plan.preprocess;
  const [image] = await attempt(vision.file, `a test run on a 1×${channels}×${size}×${size} input`, () =>
    vision.run([new Float32Array(vision.tensorLength)]),
  );
  const embedDim = image.embed.length;
  if (plan.embedDim !== null && embedDim !== plan.embedDim) {
    throw new ModelError(
      vision.file,
      `'${plan.vision.imageEmbeds}' is ${embedDim} wide but ${settings} says the embedding width is ${plan.embedDim}`,
    );
  }
  if (plan.patchGrid && image.patches) {
    const [r, c] = plan.patchGrid;
    if (image.patches.length !== r * c * embedDim) {
      const got = image.patches.length / embedDim;
      throw new ModelError(
        vision.file,
        `'${plan.vision.patchEmbeds}' gives ${Number.isInteger(got) ? `${got} patches` : `${image.patches.length} values`}; ` +
          `${settings} patchGrid ${r}×${c} needs ${r * c} patches of width ${embedDim}`,
      );
    }
  }
  const [textEmbed] = await attempt(text.file, 'a test run on an empty text', () => text.run([tokenizer.encode('')]));
  if (textEmbed.length !== embedDim) {
    throw new ModelError(
      text.file,
      `'${plan.text.textEmbeds}' is ${textEmbed.length} wide but the vision model's '${plan.vision.imageEmbeds}' is ${embedDim} wide; they must agree`,
    );
  }
  return { embedDim, patchGrid: plan.patchGrid };
}

async function attempt<T>(file: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError(file, `${what} failed: ${errorMessage(err)}`);
  }
}

function limit(batchSize: number, fixed: number | null): number {
  return fixed === null ? batchSize : Math.min(batchSize, fixed);
}

async function inBatches<T, R>(items: T[], size: number, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  // Sequential on purpose: onnxruntime already uses every intra-op thread for one run.
  for (let i = 0; i < items.length; i += size) results.push(...(await run(items.slice(i, i + size))));
  return results;
}
