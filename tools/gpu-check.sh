#!/usr/bin/env bash
# Checks `--device cuda` on a Linux x64 machine with an NVIDIA GPU. Installs onnxruntime-node (the version
# package.json pins) *with* its CUDA provider into a temporary folder, points radalign's code at that copy,
# and compares CUDA with CPU on one model: the provider that actually ran, the fallback notes if any,
# images/s and texts/s, and how far the CUDA embeddings are from CPU's. Then scores a small sample dataset
# through the CLI with --device cuda. Nothing in the checkout changes (its node_modules keeps the CPU-only
# onnxruntime-node that .npmrc asks for).
#
# Usage: tools/gpu-check.sh [model-dir] [images]      default: media/models/default, 512 images
# Needs: node >= 20 and npm; this checkout installed and built (npm ci && npm run build); network access to
# the npm registry and to the NuGet feed onnxruntime-node downloads the CUDA provider from; CUDA 12 and
# cuDNN 9 libraries on the library path (onnxruntime 1.30's CUDA provider).
# GPU_CHECK_ORT=<dir of an installed onnxruntime-node>: use it instead of installing one (no network).
# GPU_CHECK_KEEP=1: keep the temporary folder.
# Exit status: 0 when CUDA ran, 1 when radalign fell back to CPU, 2 when the check itself could not run.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
model=$(cd "${1:-$repo/media/models/default}" && pwd)
images=${2:-512}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/radalign-gpu-check.XXXXXX")
if [[ "${GPU_CHECK_KEEP:-}" == 1 ]]; then echo "temporary folder kept: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
die() { echo "gpu-check: $*" >&2; exit 2; }

[[ -f "$repo/dist/cli/radalign.js" && -x "$repo/node_modules/.bin/esbuild" ]] || die "build the checkout first: npm ci && npm run build"
echo "== machine"
uname -srm
node --version
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "nvidia-smi not found: no NVIDIA driver? (CUDA will fall back to CPU)"
fi

if [[ -n "${GPU_CHECK_ORT:-}" ]]; then
  ort=$(cd "$GPU_CHECK_ORT" && pwd)
  echo "== using onnxruntime-node at $ort"
else
  version=$(node -p "require('$repo/package.json').dependencies['onnxruntime-node']")
  echo "== installing onnxruntime-node@$version with its CUDA provider into $tmp/ort"
  mkdir -p "$tmp/ort"
  echo '{ "private": true }' >"$tmp/ort/package.json"
  # The environment variable beats any onnxruntime-node-install setting in an .npmrc (this checkout's says skip).
  (cd "$tmp/ort" && ONNXRUNTIME_NODE_INSTALL=cuda12 npm install --no-audit --no-fund --foreground-scripts "onnxruntime-node@$version") ||
    die "npm install of onnxruntime-node@$version failed"
  ort="$tmp/ort/node_modules/onnxruntime-node"
fi
bin="$ort/bin/napi-v6/linux/x64"
ls -l "$bin" || die "$bin not found: is this Linux x64?"
[[ -f "$bin/libonnxruntime_providers_cuda.so" ]] || echo "warning: $bin has no libonnxruntime_providers_cuda.so (the CUDA download did not happen)"

# Every require('onnxruntime-node') in radalign's bundles, wherever they live, goes to $ort.
cat >"$tmp/use-ort.js" <<EOF
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'onnxruntime-node' || request.startsWith('onnxruntime-node/')) request = $(node -p "JSON.stringify('$ort')") + request.slice('onnxruntime-node'.length);
  return resolve.call(this, request, ...rest);
};
EOF

# The engine itself, timed: load on CPU and on CUDA, encode the same inputs, compare.
cat >"$tmp/bench.ts" <<EOF
import { loadModel, type ClipModel, type DeviceChoice } from '$repo/src/engine/model';

const [modelDir, count] = [process.argv[2], Number(process.argv[3])];
const texts = Array.from({ length: count }, (_, i) => \`Finding number \${i}: small left pleural effusion, no pneumothorax, heart size normal.\`);

function inputs(model: ClipModel): Float32Array[] {
  const { channels, size } = model.info.preprocess;
  let seed = 1;
  const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: count }, () => Float32Array.from({ length: channels * size * size }, rand));
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const out = await run();
  return [out, Number(process.hrtime.bigint() - t) / 1e9];
}

function relativeL2(a: Float32Array, b: Float32Array): number {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] ** 2; }
  return Math.sqrt(d / n);
}

async function main(): Promise<void> {
  const runs: { device: DeviceChoice; provider: string; images: Float32Array[]; texts: Float32Array[] }[] = [];
  for (const device of ['cpu', 'cuda'] as const) {
    const [model, loadSeconds] = await timed(() => loadModel(modelDir, { device, batchSize: 32 }));
    const use = (model.info as { device?: { provider: string; notes: string[] } }).device;
    const provider = use?.provider ?? '(not reported)';
    const tensors = inputs(model);
    await model.encodeImages(tensors.slice(0, 32)); // warm-up: CUDA allocates and tunes on its first runs
    await model.encodeTexts(texts.slice(0, 32));
    const [imageOut, imageSeconds] = await timed(() => model.encodeImages(tensors));
    const [textOut, textSeconds] = await timed(() => model.encodeTexts(texts));
    console.log(\`--device \${device}: provider \${provider}, loaded in \${loadSeconds.toFixed(2)} s, \` +
      \`\${(count / imageSeconds).toFixed(1)} images/s, \${(count / textSeconds).toFixed(1)} texts/s\`);
    for (const note of use?.notes ?? []) console.log(\`  note: \${note}\`);
    runs.push({ device, provider, images: imageOut.map((e) => e.embed), texts: textOut });
    await model.dispose();
  }
  const [cpu, cuda] = runs;
  const worst = (a: Float32Array[], b: Float32Array[]): number => Math.max(...a.map((v, i) => relativeL2(v, b[i])));
  console.log(\`cuda vs cpu, largest relative L2 difference: images \${worst(cuda.images, cpu.images).toExponential(2)}, \` +
    \`texts \${worst(cuda.texts, cpu.texts).toExponential(2)}\`);
  process.exitCode = cuda.provider === 'cuda' ? 0 : 1;
}
main().catch((e) => { console.error(e); process.exitCode = 2; });
EOF
"$repo/node_modules/.bin/esbuild" "$tmp/bench.ts" --bundle --platform=node --target=node20 --packages=external \
  --log-level=warning --outfile="$tmp/bench.js" || die "could not bundle the benchmark"

echo "== engine: $model, $images images and texts"
status=0
NODE_PATH="$repo/node_modules" node -r "$tmp/use-ort.js" "$tmp/bench.js" "$model" "$images" || status=$?
[[ $status -le 1 ]] || die "the benchmark failed"

echo "== CLI: radalign score --device cuda on a sample dataset"
cli=(node -r "$tmp/use-ort.js" "$repo/bin/radalign.js")
if "${cli[@]}" score --help | grep -q -- '--device'; then
  "${cli[@]}" sample "$tmp/sample" --pairs 64 >/dev/null
  "${cli[@]}" score "$tmp/sample" --model "$model" --device cuda --no-cache --top 3 --out "$tmp/results.json" || die "radalign score failed"
  node -e '
    const r = require(process.argv[1]);
    const device = r.run?.device ?? r.model?.device;
    console.log("device in the results:", device === undefined ? "(not recorded)" : JSON.stringify(device));
    console.log(`${r.run.imagesEncoded} images, ${r.run.textsEncoded} texts in ${r.run.seconds.toFixed(1)} s (whole run)`);
  ' "$tmp/results.json"
else
  echo "this radalign CLI has no --device yet: skipped"
fi

if [[ $status -eq 0 ]]; then echo "== CUDA ran"; else echo "== CUDA did NOT run: radalign fell back to CPU (see the note above)"; fi
exit $status
