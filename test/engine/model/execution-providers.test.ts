// `--device` / `radalign.device`: parsing, the providers tried per platform, the fall back to CPU with a
// note, and (on this machine's CPU-only onnxruntime-node) that 'cpu', 'auto' and a failed 'cuda' all give
// exactly today's outputs. A GPU machine runs tools/gpu-check.sh instead.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import {
  autoAccelerators,
  currentEnvironment,
  DEVICE_CHOICES,
  openOnDevice,
  parseDeviceChoice,
  planDevice,
  sessionOptionsFor,
  type DeviceUse,
  type ProviderEnvironment,
  type ProviderName,
} from '../../../src/engine/model/execution-providers';
import { loadModel, ModelError, type ClipModel, type DeviceChoice } from '../../../src/engine/model';
import { openSession } from '../../../src/engine/model/onnx-session';
import { repoRoot } from '../../helpers/fixture-models';

function findModelsDir(): string {
  return join(repoRoot, 'test/fixtures/models');
}
const TINY_CLIP = join(findModelsDir(), 'tiny-clip');

/** A made-up onnxruntime-node install: `backends` compiled in, `missing` files absent from its bin folder. */
function fakeEnv(
  platform: NodeJS.Platform,
  arch: string,
  backends: string[],
  missing: string[] = [],
): ProviderEnvironment {
  return {
    platform,
    arch,
    backends: backends.map((name) => ({ name, bundled: name !== 'cuda' })),
    binDir: '/ort/bin',
    missingFiles: (files) => files.filter((f) => missing.includes(f)),
  };
}
const LINUX_CUDA_INSTALLED = fakeEnv('linux', 'x64', ['cpu', 'webgpu', 'cuda', 'tensorrt']);
const LINUX_CUDA_SKIPPED = fakeEnv(
  'linux',
  'x64',
  ['cpu', 'webgpu', 'cuda', 'tensorrt'],
  ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
);
const WINDOWS = fakeEnv(
  'win32',
  'x64',
  ['cpu', 'dml', 'webgpu', 'cuda'],
  ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll'],
);
const MAC = fakeEnv('darwin', 'arm64', ['cpu', 'coreml', 'webgpu']);

/** An `open` that records what it was asked and fails for the providers in `failing`. */
function fakeOpen(failing: ProviderName[]): { tried: ProviderName[]; open: (p: ProviderName) => Promise<string> } {
  const tried: ProviderName[] = [];
  return {
    tried,
    open: async (p) => {
      tried.push(p);
      if (failing.includes(p)) throw new Error(`${p} exploded`);
      return `session on ${p}`;
    },
  };
}

describe('execution providers (--device)', () => {
  describe('parsing', () => {
    it('accepts exactly auto, cpu, cuda, dml, coreml', () => {
      assert.deepEqual([...DEVICE_CHOICES], ['auto', 'cpu', 'cuda', 'dml', 'coreml']);
      for (const c of DEVICE_CHOICES) assert.equal(parseDeviceChoice(c), c);
      assert.equal(parseDeviceChoice(' CUDA '), 'cuda');
    });

    it('refuses anything else with a message naming the value and every allowed one', () => {
      for (const bad of ['gpu', '', 'webgpu', 'tensorrt', 'cuda:0']) {
        assert.throws(
          () => parseDeviceChoice(bad),
          (err: Error) =>
            err instanceof RangeError &&
            err.message.includes(`'${bad}'`) &&
            err.message.includes('auto, cpu, cuda, dml, coreml'),
          bad,
        );
      }
    });
  });

  describe('session options', () => {
    it('CPU gets what radalign always used: only the thread count, no providers list', () => {
      assert.deepEqual(sessionOptionsFor('cpu', 0), {});
      assert.deepEqual(sessionOptionsFor('cpu', 3), { intraOpNumThreads: 3 });
    });

    it('an accelerator comes first with CPU after it, threads kept', () => {
      assert.deepEqual(sessionOptionsFor('cuda', 2), { intraOpNumThreads: 2, executionProviders: ['cuda', 'cpu'] });
      assert.deepEqual(sessionOptionsFor('coreml', 0), { executionProviders: ['coreml', 'cpu'] });
      assert.deepEqual(sessionOptionsFor('dml', 0), {
        executionProviders: ['dml', 'cpu'],
        enableMemPattern: false,
        executionMode: 'sequential',
      });
    });

    it("never executionMode 'parallel'", () => {
      for (const p of ['cpu', 'cuda', 'dml', 'coreml'] as const) {
        for (const threads of [0, 4])
          assert.notEqual((sessionOptionsFor(p, threads) as InferenceSession.SessionOptions).executionMode, 'parallel');
      }
    });
  });

  describe('which accelerators are tried', () => {
    it("'auto': CUDA on linux, CUDA then DirectML on windows x64, CoreML on macOS, none elsewhere", () => {
      assert.deepEqual(autoAccelerators('linux', 'x64'), ['cuda']);
      assert.deepEqual(autoAccelerators('linux', 'arm64'), ['cuda']);
      assert.deepEqual(autoAccelerators('win32', 'x64'), ['cuda', 'dml']);
      assert.deepEqual(autoAccelerators('win32', 'arm64'), ['dml']);
      assert.deepEqual(autoAccelerators('darwin', 'arm64'), ['coreml']);
      assert.deepEqual(autoAccelerators('freebsd', 'x64'), []);
    });

    it('one the build lacks, or whose library was not installed, is not tried, with the reason', () => {
      assert.deepEqual(planDevice('cuda', LINUX_CUDA_INSTALLED), { tryOrder: ['cuda'], unusable: [] });
      const skipped = planDevice('cuda', LINUX_CUDA_SKIPPED);
      assert.deepEqual(skipped.tryOrder, []);
      assert.match(
        skipped.unusable[0].why,
        /CUDA provider is not installed \(.*libonnxruntime_providers_cuda\.so are not in \/ort\/bin\)/,
      );
      assert.match(skipped.unusable[0].why, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
      const dml = planDevice('dml', LINUX_CUDA_INSTALLED);
      assert.deepEqual(dml.tryOrder, []);
      assert.match(
        dml.unusable[0].why,
        /linux\/x64\) has no DirectML \(dml\) execution provider \(it has: cpu, webgpu, cuda, tensorrt\)/,
      );
      // 'auto' tries CUDA on windows only when the build has it, and then says nothing about it.
      assert.deepEqual(planDevice('auto', WINDOWS).tryOrder, ['dml']);
      assert.deepEqual(planDevice('auto', fakeEnv('win32', 'x64', ['cpu', 'dml'])), {
        tryOrder: ['dml'],
        unusable: [],
      });
      assert.deepEqual(planDevice('auto', MAC).tryOrder, ['coreml']);
      assert.deepEqual(planDevice('cpu', MAC), { tryOrder: [], unusable: [] });
      const unlisted = planDevice('auto', { ...MAC, backends: [{ name: 'cpu', bundled: true }], listError: 'boom' });
      assert.deepEqual(
        unlisted.unusable.map((u) => u.why),
        ['onnxruntime-node could not list its execution providers: boom'],
      );
    });
  });

  describe('falling back to CPU', () => {
    it("'cpu' opens on CPU only, with no note", async () => {
      const f = fakeOpen([]);
      const { value, device } = await openOnDevice('cpu', f.open, LINUX_CUDA_INSTALLED);
      assert.equal(value, 'session on cpu');
      assert.deepEqual(f.tried, ['cpu']);
      assert.deepEqual(device, { requested: 'cpu', provider: 'cpu', notes: [] });
    });

    it('an accelerator that opens is used, with no note', async () => {
      const f = fakeOpen([]);
      const { device } = await openOnDevice('cuda', f.open, LINUX_CUDA_INSTALLED);
      assert.deepEqual(f.tried, ['cuda']);
      assert.deepEqual(device, { requested: 'cuda', provider: 'cuda', notes: [] });
    });

    it('an accelerator that fails to open falls back to CPU: the note says what was asked, why, and that CPU runs', async () => {
      const f = fakeOpen(['cuda']);
      const { value, device } = await openOnDevice('cuda', f.open, LINUX_CUDA_INSTALLED);
      assert.equal(value, 'session on cpu');
      assert.deepEqual(f.tried, ['cuda', 'cpu']);
      assert.equal(device.provider, 'cpu');
      assert.equal(device.notes.length, 1);
      assert.match(
        device.notes[0],
        /^Device 'cuda' was asked for but cannot be used: .*cuda exploded\. Running on CPU instead\.$/,
      );
    });

    it('an accelerator missing from the install is not even tried', async () => {
      const f = fakeOpen([]);
      const { device } = await openOnDevice('dml', f.open, LINUX_CUDA_INSTALLED);
      assert.deepEqual(f.tried, ['cpu']);
      assert.match(
        device.notes[0],
        /^Device 'dml' was asked for but cannot be used: .*has no DirectML \(dml\) execution provider.*Running on CPU instead\.$/,
      );
    });

    it("'auto' takes the next accelerator when one fails, and says so", async () => {
      const win = fakeEnv('win32', 'x64', ['cpu', 'dml', 'cuda']);
      const f = fakeOpen(['cuda']);
      const { device } = await openOnDevice('auto', f.open, win);
      assert.deepEqual(f.tried, ['cuda', 'dml']);
      assert.equal(device.provider, 'dml');
      assert.deepEqual(device.notes.length, 1);
      assert.match(device.notes[0], /^Device 'auto': cuda cannot be used: .*cuda exploded\. Running on dml\.$/);
    });

    it("'auto' passes over an accelerator this install lacks without a note when another one works", async () => {
      const f = fakeOpen([]);
      const { device } = await openOnDevice('auto', f.open, WINDOWS);
      assert.deepEqual(device, { requested: 'auto', provider: 'dml', notes: [] });
    });

    it("'auto' with no usable accelerator runs on CPU and says why", async () => {
      const f = fakeOpen([]);
      const { device } = await openOnDevice('auto', f.open, LINUX_CUDA_SKIPPED);
      assert.deepEqual(f.tried, ['cpu']);
      assert.equal(device.provider, 'cpu');
      assert.match(
        device.notes[0],
        /^Device 'auto' found no accelerator it can use \(cuda: onnxruntime-node's CUDA provider is not installed .*\)\. Running on CPU\.$/,
      );
      const arm = await openOnDevice('auto', fakeOpen([]).open, fakeEnv('linux', 'arm64', ['cpu']));
      assert.deepEqual(arm.device.notes, [
        "Device 'auto': this onnxruntime-node build (linux/arm64) has none of the accelerators radalign uses: CUDA (cuda), DirectML (dml), CoreML (coreml). Running on CPU.",
      ]);
    });

    it("CPU's own failure is not caught", async () => {
      await assert.rejects(openOnDevice('cuda', fakeOpen(['cuda', 'cpu']).open, LINUX_CUDA_INSTALLED), /cpu exploded/);
    });

    it('refuses an unknown choice before opening anything', async () => {
      const f = fakeOpen([]);
      await assert.rejects(
        openOnDevice('gpu' as DeviceChoice, f.open, LINUX_CUDA_INSTALLED),
        /unknown device 'gpu': expected one of auto, cpu, cuda, dml, coreml/,
      );
      assert.deepEqual(f.tried, []);
    });
  });

  describe("this machine's onnxruntime-node (CPU only)", function () {
    this.timeout(120_000);
    let env: ProviderEnvironment;
    let cudaUsable: boolean;
    const opened: ClipModel[] = [];
    const texts = ['No acute cardiopulmonary process.', 'Small left pleural effusion.', ''];

    async function open(device?: DeviceChoice): Promise<ClipModel> {
      const model = await loadModel(TINY_CLIP, device === undefined ? {} : { device });
      opened.push(model);
      return model;
    }
    async function encode(model: ClipModel): Promise<{ images: number[][]; patches: number[][]; texts: number[][] }> {
      const { channels, size } = model.info.preprocess;
      const input = [1, 2, 3].map((k) =>
        Float32Array.from({ length: channels * size * size }, (_, i) => Math.sin(i * k * 0.01)),
      );
      const enc = await model.encodeImages(input);
      return {
        images: enc.map((e) => [...e.embed]),
        patches: enc.map((e) => [...(e.patches ?? [])]),
        texts: (await model.encodeTexts(texts)).map((t) => [...t]),
      };
    }
    function deviceOf(model: ClipModel): DeviceUse {
      return (model.info as ClipModel['info'] & { device: DeviceUse }).device;
    }

    before(async () => {
      env = await currentEnvironment();
      cudaUsable = planDevice('cuda', env).tryOrder.includes('cuda');
    });

    after(async () => {
      await Promise.all(opened.map((m) => m.dispose()));
    });

    it("'cpu' and 'auto' load and encode exactly as without a device; a failed 'cuda' too, on CPU with the note", async function () {
      if (cudaUsable) this.skip(); // a CUDA install: tools/gpu-check.sh compares the providers there
      const plain = await open();
      assert.deepEqual(deviceOf(plain), { requested: 'cpu', provider: 'cpu', notes: [] });
      const expected = await encode(plain);
      assert.equal(expected.images[0].length, plain.info.embedDim);

      const cpu = await open('cpu');
      assert.deepEqual(deviceOf(cpu), { requested: 'cpu', provider: 'cpu', notes: [] });
      assert.deepEqual(await encode(cpu), expected);

      const auto = await open('auto');
      assert.equal(deviceOf(auto).provider, 'cpu');
      assert.deepEqual(await encode(auto), expected);
      assert.equal(deviceOf(auto).notes.length, 1);
      assert.match(deviceOf(auto).notes[0], /^Device 'auto'.*\. Running on CPU\.$/);

      const cuda = await open('cuda');
      const device = deviceOf(cuda);
      assert.equal(device.requested, 'cuda');
      assert.equal(device.provider, 'cpu');
      assert.equal(device.notes.length, 1);
      assert.match(device.notes[0], /^Device 'cuda' was asked for but cannot be used: .+\. Running on CPU instead\.$/);
      assert.deepEqual(await encode(cuda), expected);
    });

    it("onnxruntime's own failure to create a CUDA session falls back to CPU with its error in the note", async function () {
      if (cudaUsable) this.skip();
      const vision = join(TINY_CLIP, 'vision.onnx');
      // The CUDA library check passed, as if it were installed: onnxruntime itself then refuses.
      const pretendInstalled: ProviderEnvironment = {
        ...env,
        backends: [...env.backends, { name: 'cuda', bundled: false }],
        missingFiles: () => [],
      };
      await assert.rejects(
        openSession(vision, 0, 'cuda'),
        (err: Error) => err instanceof ModelError && /with the cuda execution provider: /.test(err.message),
      );
      const { value, device } = await openOnDevice('cuda', (p) => openSession(vision, 0, p), pretendInstalled);
      try {
        assert.equal(device.provider, 'cpu');
        assert.match(
          device.notes[0],
          /^Device 'cuda' was asked for but cannot be used: onnxruntime could not run the model with it: .*vision\.onnx: onnxruntime cannot load it with the cuda execution provider: .+\. Running on CPU instead\.$/s,
        );
      } finally {
        await value.release();
      }
    });

    it('refuses an unknown device before reading the model folder', async () => {
      await assert.rejects(
        loadModel('/nonexistent/model', { device: 'gpu' as DeviceChoice }),
        (err: Error) =>
          err instanceof RangeError &&
          /unknown device 'gpu': expected one of auto, cpu, cuda, dml, coreml/.test(err.message),
      );
    });
  });
});
