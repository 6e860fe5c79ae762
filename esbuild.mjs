// Bundles the CLI, the extension, its workers and webview script, the tests and benchmarks with esbuild.
// Type checking is separate: `npm run typecheck` (tsc --noEmit).
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');

/** All files under `dir` whose name ends with `suffix`. */
function filesUnder(dir, suffix) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(filesUnder(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

/**
 * Each error also as one `file:line:column: error: message` line, what the problem matchers of the
 * build and watch tasks (.vscode/tasks.json) read: esbuild's own report spreads one over several.
 */
const problemLines = {
  name: 'problem-lines',
  setup(build) {
    build.onEnd(({ errors }) => {
      for (const { text, location: l } of errors)
        if (l) console.error(`${l.file}:${l.line}:${l.column + 1}: error: ${text.split('\n')[0]}`);
    });
  },
};

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'info',
  plugins: [problemLines],
};

// What ships (the CLI, the extension and the workers it forks) carries its pure-JS dependencies
// inside the bundle, so the VSIX needs no node_modules for them: they are devDependencies, and
// package.json's "dependencies" are the two left outside, required at run time:
// - onnxruntime-node: requires its addon relative to its own code (../bin/napi-v6/<os>/<arch>/,
//   where the engine's execution-providers.ts also looks, through require.resolve);
// - sharp: loads @img/sharp-<platform>/sharp.node and libvips from its optional platform
//   packages (sharp's documentation: bundlers must leave it external).
// Every other dependency was checked to load no file of its own at run time (no JSON, wasm or
// worker beside its code; dicom-parser needs only node:zlib).
// `module` before `main`: jsonc-parser's `main` is a UMD build whose inner requires esbuild cannot
// follow; its `module` (ESM) bundles.
const shipped = { ...nodeCommon, external: ['onnxruntime-node', 'sharp'], mainFields: ['module', 'main'] };
// Tests and benchmarks run from the repository, whose node_modules holds every package.
const inRepo = { ...nodeCommon, packages: 'external' };

const builds = [
  { ...shipped, entryPoints: { 'cli/radalign': 'src/cli/main.ts' }, outdir: 'dist' },
  // The extension (`vscode` is provided by the extension host) and its scoring worker, a
  // separate script because it is forked as its own process.
  {
    ...shipped,
    entryPoints: { extension: 'src/extension/extension.ts', 'score-worker': 'src/extension/score-worker.ts' },
    outdir: 'dist',
    external: [...shipped.external, 'vscode'],
  },
  // The review panel: its image-decoding worker (forked, like the scoring worker) and the
  // webview script, which runs in the browser sandbox of a VS Code webview.
  { ...shipped, entryPoints: { 'display-worker': 'src/extension/panel/display-worker.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'info',
    plugins: [problemLines],
    entryPoints: { 'review-panel': 'webview/review-panel/main.ts' },
    outdir: 'dist/webview',
  },
  // Integration tests run inside a real extension host (scripts/vscode-test/); `*.itest.ts`, so
  // the unit mocha run (`out/test/**/*.test.js`) does not pick them up.
  {
    ...inRepo,
    entryPoints: [...filesUnder('test/integration', '.ts')],
    outbase: '.',
    outdir: 'out',
    external: ['vscode'],
  },
  {
    ...inRepo,
    // `*.child.ts`: scripts the tests and benchmarks start as separate processes (several writers at
    // once; one benchmark case per process, so its peak RSS is its own).
    entryPoints: [
      ...filesUnder('test', '.test.ts'),
      ...filesUnder('test', '.child.ts'),
      ...filesUnder('bench', '.bench.ts'),
      ...filesUnder('bench', '.child.ts'),
    ],
    outbase: '.',
    outdir: 'out',
  },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
