// Bundles the CLI, the extension and its worker, the tests and benchmarks (and later the webview) with esbuild.
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

// Native and data-carrying packages stay outside the bundle and are required at run time.
const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  logLevel: 'info',
};

const builds = [
  { ...nodeCommon, entryPoints: { 'cli/radalign': 'src/cli/main.ts' }, outdir: 'dist' },
  // The extension (`vscode` is provided by the extension host) and its scoring worker, a
  // separate script because it is forked as its own process.
  {
    ...nodeCommon,
    entryPoints: { extension: 'src/extension/extension.ts', 'score-worker': 'src/extension/score-worker.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
  // The review panel: its image-decoding worker (forked, like the scoring worker) and the
  // webview script, which runs in the browser sandbox of a VS Code webview.
  { ...nodeCommon, entryPoints: { 'display-worker': 'src/extension/panel/display-worker.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'info',
    entryPoints: { 'review-panel': 'webview/review-panel/main.ts' },
    outdir: 'dist/webview',
  },
  // Integration tests run inside a real extension host (scripts/vscode-test/); `*.itest.ts`, so
  // the unit mocha run (`out/test/**/*.test.js`) does not pick them up.
  {
    ...nodeCommon,
    entryPoints: [...filesUnder('test/integration', '.ts')],
    outbase: '.',
    outdir: 'out',
    external: ['vscode'],
  },
  {
    ...nodeCommon,
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
