#!/usr/bin/env node
// Packages the extension as one VSIX per platform, each carrying only that platform's native
// binaries (onnxruntime-node's bin/napi-v*/<os>/<arch>/ and sharp's @img/sharp-<platform> and
// @img/sharp-libvips-<platform>).
//
//   node scripts/package/package-vsix.mjs [--target <t>]... [--all] [--out <dir>] [--no-verify]
//
// Default target: this machine's. Needs `npm run build` first (dist/). Per target, in
// out/package/<target>/ (the repo's own node_modules is never touched):
//   1. `npm ci --omit=dev --os --cpu [--libc] --ignore-scripts` with the repo's package.json,
//      package-lock.json and .npmrc: npm fetches that platform's optional sharp packages from
//      the registry. Reused while package-lock.json, .npmrc and the dependencies are unchanged
//      (out/package/<target>.stamp).
//   2. other platforms' onnxruntime-node binaries are deleted;
//   3. dist/, media/, README.md, CHANGELOG.md, LICENSE are copied; package.json is copied without
//      `scripts` (vsce would run `vscode:prepublish`, a build, in a folder without sources) and
//      `devDependencies`;
//   4. .vscodeignore = the repo's + one rule per installed package that the extension's bundles
//      do not need at run time (CLI-only packages, onnxruntime-node's install-time downloaders);
//   5. `vsce package --target <t>` writes <out>/radalign-<target>-<version>.vsix (default out/vsix/).
// Then each VSIX is checked (only its platform's binaries, every package the bundles require is
// inside), its size and largest entries are printed, and — for this machine's target — every
// package the bundles require is loaded from the unpacked VSIX with Node.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Targets both native dependencies ship binaries for: onnxruntime-node 1.30 has
 * bin/napi-v6/{linux/x64, linux/arm64, darwin/arm64, win32/x64, win32/arm64} (no darwin/x64, no
 * musl, no armhf) and sharp 0.35 has @img/sharp-* for all of them (glibc builds on Linux).
 */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'win32-x64': { os: 'win32', cpu: 'x64' },
  'win32-arm64': { os: 'win32', cpu: 'arm64' },
};
const UNSUPPORTED = {
  'darwin-x64': 'onnxruntime-node 1.30 ships no macOS x64 binary',
  'alpine-x64': 'onnxruntime-node ships glibc builds only',
  'alpine-arm64': 'onnxruntime-node ships glibc builds only',
  'linux-armhf': 'onnxruntime-node ships no 32-bit ARM binary',
  web: 'radalign needs native modules (onnxruntime-node, sharp)',
};
/** The extension's run-time bundles: what they `require` must be in the VSIX. */
const BUNDLES = ['dist/extension.js', 'dist/score-worker.js', 'dist/display-worker.js'];
/** Copied into each staging folder; .vscodeignore then decides what goes into the VSIX. */
const COPIED = ['dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore'];
/**
 * Declared dependencies their package never loads at run time: onnxruntime-node's install script
 * (GPU-binary download) uses adm-zip and global-agent; jpeg-lossless-decoder-js lists its build
 * tool's native rollup binary as an optional dependency.
 */
const NOT_AT_RUN_TIME = {
  'onnxruntime-node': ['adm-zip', 'global-agent'],
  'jpeg-lossless-decoder-js': ['@rollup/rollup-linux-x64-gnu'],
};

export function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return t in TARGETS ? t : undefined;
}

function parseArgs(argv) {
  const o = { targets: [], outDir: join(repo, 'out', 'vsix'), verify: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') o.targets.push(...Object.keys(TARGETS));
    else if (a === '--target' || a === '-t') o.targets.push(argv[++i]);
    else if (a === '--out') o.outDir = resolve(argv[++i]);
    else if (a === '--no-verify') o.verify = false;
    else if (a === '--quiet') o.quiet = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.targets.length === 0) {
    const host = hostTarget();
    if (!host)
      throw new Error(`no VSIX target for this machine (${process.platform}-${process.arch}); name one with --target`);
    o.targets.push(host);
  }
  o.targets = [...new Set(o.targets)];
  for (const t of o.targets) {
    if (UNSUPPORTED[t]) throw new Error(`target ${t} is not supported: ${UNSUPPORTED[t]}`);
    if (!TARGETS[t]) throw new Error(`unknown target ${t}; supported: ${Object.keys(TARGETS).join(', ')}`);
  }
  return o;
}

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Package names the bundles `require` (node: builtins and `vscode` excluded). */
export function requiredPackages() {
  const specs = new Set();
  for (const b of BUNDLES) {
    const file = join(repo, b);
    if (!existsSync(file)) throw new Error(`missing ${b}: run \`npm run build\` first`);
    for (const m of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      const spec = m[1];
      if (spec.startsWith('node:') || spec === 'vscode') continue;
      specs.add(spec);
    }
  }
  const builtins = new Set(builtinModules);
  return [...specs].filter((s) => !builtins.has(s.split('/')[0])).sort();
}

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Node's lookup: `name` from inside package folder `fromDir`, up to the staging root. */
function resolvePackageDir(root, fromDir, name) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return undefined;
  }
}

/** Every installed package folder under root/node_modules (nested ones included). */
function installedPackageDirs(root) {
  const out = [];
  const walk = (nm) => {
    if (!existsSync(nm)) return;
    for (const e of readdirSync(nm, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dirs = e.name.startsWith('@')
        ? readdirSync(join(nm, e.name)).map((s) => join(nm, e.name, s))
        : [join(nm, e.name)];
      for (const d of dirs) {
        if (!existsSync(join(d, 'package.json'))) continue;
        out.push(d);
        walk(join(d, 'node_modules'));
      }
    }
  };
  walk(join(root, 'node_modules'));
  return out;
}

/** The installed packages the bundles need at run time: their requires and what those depend on. */
function runtimeClosure(root, entries) {
  const needed = new Set();
  const visit = (dir) => {
    if (!dir || needed.has(dir)) return;
    needed.add(dir);
    const pj = readJson(join(dir, 'package.json'));
    const skip = new Set(NOT_AT_RUN_TIME[pj.name] ?? []);
    for (const dep of [...Object.keys(pj.dependencies ?? {}), ...Object.keys(pj.optionalDependencies ?? {})]) {
      if (!skip.has(dep)) visit(resolvePackageDir(root, dir, dep)); // uninstalled optional deps: other platforms
    }
  };
  for (const name of entries) {
    const dir = resolvePackageDir(root, root, name);
    if (!dir) throw new Error(`the bundles require ${name}, which npm did not install`);
    visit(dir);
  }
  return needed;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** A clean environment for the nested npm: no settings inherited from an outer `npm run`. */
function npmEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

/**
 * Files in onnxruntime-node's bin/ that radalign never loads (it runs the CPU execution provider
 * only), checked against the 1.30 binaries: on Windows onnxruntime.dll *delay*-loads DirectML.dll
 * (only when the DirectML provider is asked for) and does not import dxcompiler.dll or dxil.dll at
 * all (DirectML loads them); on macOS onnxruntime_binding.node links @rpath/libonnxruntime.1.dylib
 * and libonnxruntime.<version>.dylib is a byte-identical copy (npm packages cannot hold symlinks).
 */
const ORT_UNUSED = {
  win32: (files) => files.filter((f) => ['directml.dll', 'dxcompiler.dll', 'dxil.dll'].includes(f.toLowerCase())),
  darwin: (files, dir) =>
    files.filter(
      (f) =>
        /^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(f) &&
        files.includes('libonnxruntime.1.dylib') &&
        sameBytes(join(dir, f), join(dir, 'libonnxruntime.1.dylib')),
    ),
};

const sameBytes = (a, b) => statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b));

/** Deletes other platforms' onnxruntime binaries (the npm package carries all of them) and ORT_UNUSED. */
function pruneOnnxruntime(dir, os, cpu, log) {
  const ortBin = join(dir, 'node_modules', 'onnxruntime-node', 'bin');
  for (const napi of readdirSync(ortBin)) {
    for (const o of readdirSync(join(ortBin, napi))) {
      for (const a of readdirSync(join(ortBin, napi, o))) {
        const platformDir = join(ortBin, napi, o, a);
        if (o !== os || a !== cpu) {
          rmSync(platformDir, { recursive: true, force: true });
          continue;
        }
        const unused = ORT_UNUSED[os]?.(readdirSync(platformDir), platformDir) ?? [];
        for (const f of unused) rmSync(join(platformDir, f));
        if (unused.length)
          log(
            `  left out of onnxruntime-node/bin/${napi}/${o}/${a}: ${unused.join(', ')} (never loaded, see ORT_UNUSED)`,
          );
      }
      if (readdirSync(join(ortBin, napi, o)).length === 0) rmSync(join(ortBin, napi, o), { recursive: true });
    }
  }
}

function stage(target, log) {
  const { os, cpu, libc } = TARGETS[target];
  const dir = join(repo, 'out', 'package', target);
  const lock = readFileSync(join(repo, 'package-lock.json'));
  const npmrc = existsSync(join(repo, '.npmrc')) ? readFileSync(join(repo, '.npmrc')) : Buffer.alloc(0);
  const stamp = createHash('sha256')
    .update(lock)
    .update(npmrc)
    .update(JSON.stringify(readJson(join(repo, 'package.json')).dependencies))
    .update(target)
    .digest('hex');
  const stampFile = join(dirname(dir), `${target}.stamp`); // outside the folder vsce packs
  const t0 = Date.now();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`[${target}] reusing the production node_modules in ${relative(repo, dir)}`);
    // Only what this script copies is replaced; node_modules stays as installed and pruned.
    for (const f of readdirSync(dir)) if (f !== 'node_modules') rmSync(join(dir, f), { recursive: true, force: true });
  } else {
    rmSync(dir, { recursive: true, force: true });
    rmSync(stampFile, { force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json', '.npmrc'])
      if (existsSync(join(repo, f))) cpSync(join(repo, f), join(dir, f));
    const args = [
      'ci',
      '--omit=dev',
      `--os=${os}`,
      `--cpu=${cpu}`,
      ...(libc ? [`--libc=${libc}`] : []),
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ];
    log(`[${target}] npm ${args.join(' ')}`);
    run('npm', args, {
      cwd: dir,
      env: npmEnv(),
      stdio: ['ignore', 'inherit', 'inherit'],
      shell: process.platform === 'win32',
    });
    pruneOnnxruntime(dir, os, cpu, log);
    writeFileSync(stampFile, stamp);
  }
  for (const f of COPIED) {
    const src = join(repo, f);
    if (!existsSync(src)) throw new Error(`missing ${f}`);
    cpSync(src, join(dir, f), { recursive: true, filter: (p) => !p.endsWith('.map') });
  }
  const manifest = readJson(join(repo, 'package.json'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

  // Leave out installed packages the bundles never load.
  const root = dir;
  const needed = runtimeClosure(root, requiredPackages().map(packageName));
  const unneeded = installedPackageDirs(root)
    .filter((d) => !needed.has(d))
    .map((d) => relative(root, d).split('\\').join('/'));
  const ignore = readFileSync(join(repo, '.vscodeignore'), 'utf8');
  writeFileSync(
    join(dir, '.vscodeignore'),
    `${ignore.trimEnd()}\n\n# Generated by scripts/package/package-vsix.mjs: installed, but not loaded by the extension's bundles.\n${unneeded.map((u) => `${u}/**`).join('\n')}\n`,
  );
  log(
    `[${target}] staged in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${needed.size} packages in, ${unneeded.length} left out (${unneeded.join(', ')})`,
  );
  return dir;
}

function vscePackage(target, dir, outFile, log) {
  const manifest = readJson(join(dir, 'package.json'));
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--target', target, '--out', outFile];
  if (!manifest.repository) {
    // Without a repository vsce cannot turn the README's relative links (the screenshot,
    // docs/…) into absolute ones: keep them relative (they work in VS Code's extension view,
    // which reads the README from the installed folder). Add `repository` before publishing.
    args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  }
  const t0 = Date.now();
  run(process.execPath, args, { cwd: dir, env: npmEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  log(`[${target}] vsce package: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** [{ name, size (uncompressed), compressed }] of a zip, via `unzip -v`. */
function zipEntries(file) {
  const text = execFileSync('unzip', ['-v', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const entries = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+[0-9a-f]{8}\s+(.+)$/.exec(line);
    if (m) entries.push({ size: Number(m[1]), compressed: Number(m[2]), name: m[3] });
  }
  return entries;
}

function check(target, vsix, log) {
  const { os, cpu } = TARGETS[target];
  const entries = zipEntries(vsix);
  const names = entries.map((e) => e.name);
  const problems = [];
  const ortDirs = new Set(
    names
      .map((n) => /^extension\/node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+\/[^/]+)\//.exec(n)?.[1])
      .filter(Boolean),
  );
  if ([...ortDirs].join() !== `${os}/${cpu}`)
    problems.push(`onnxruntime-node binaries for ${[...ortDirs].join(', ') || 'nothing'}, expected ${os}/${cpu} only`);
  const img = new Set(names.map((n) => /^extension\/node_modules\/@img\/(sharp-[^/]+)\//.exec(n)?.[1]).filter(Boolean));
  const platform = `${os}-${cpu}`;
  const expectedImg = os === 'win32' ? [`sharp-${platform}`] : [`sharp-${platform}`, `sharp-libvips-${platform}`];
  if ([...img].sort().join() !== expectedImg.sort().join())
    problems.push(`sharp binary packages ${[...img].join(', ')}, expected ${expectedImg.join(', ')}`);
  for (const spec of requiredPackages()) {
    if (!names.includes(`extension/node_modules/${packageName(spec)}/package.json`))
      problems.push(`${spec} (required by the bundles) is missing`);
  }
  for (const f of [
    ...BUNDLES,
    'dist/webview/review-panel.js',
    'media/review-panel.css',
    'media/icon.png',
    'package.json',
  ]) {
    if (!names.includes(`extension/${f}`)) problems.push(`${f} is missing`);
  }
  for (const n of names) {
    if (/\.map$|\.tsx?$|^extension\/(src|test|out|training|scripts)\//.test(n) || /(^|\/)@rollup\//.test(n))
      problems.push(`junk: ${n}`);
  }
  const size = statSync(vsix).size;
  const total = entries.reduce((s, e) => s + e.size, 0);
  log(`[${target}] ${relative(repo, vsix)}: ${mb(size)} (${entries.length} files, ${mb(total)} unpacked)`);
  const groups = new Map();
  for (const e of entries) {
    const m = /^extension\/(node_modules\/(?:@[^/]+\/)?[^/]+|media\/models\/[^/]+|[^/]+)/.exec(e.name);
    const key = m ? m[1] : e.name;
    const g = groups.get(key) ?? { size: 0, compressed: 0 };
    g.size += e.size;
    g.compressed += e.compressed;
    groups.set(key, g);
  }
  for (const [key, g] of [...groups].sort((a, b) => b[1].compressed - a[1].compressed).slice(0, 8)) {
    log(`    ${mb(g.compressed).padStart(9)} compressed, ${mb(g.size).padStart(9)} unpacked  ${key}`);
  }
  if (problems.length) throw new Error(`${relative(repo, vsix)}:\n  ${problems.join('\n  ')}`);
  return { target, file: vsix, bytes: size, files: entries.length };
}

/** Unpacks the VSIX and loads every package the bundles require, with this Node, from inside it. */
function loadFromVsix(target, vsix, log) {
  const tmp = mkdtempSync(join(tmpdir(), 'radalign-vsix-'));
  try {
    execFileSync('unzip', ['-q', vsix, 'extension/*', '-d', tmp]);
    const ext = join(tmp, 'extension');
    const specs = requiredPackages();
    const script = `const r = require('node:module').createRequire(${JSON.stringify(join(ext, 'dist', 'extension.js'))});
for (const s of ${JSON.stringify(specs)}) r(s);
const sharp = r('sharp'); const ort = r('onnxruntime-node');
sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer().then(() => console.log('loaded ' + ${JSON.stringify(specs.join(', '))} + '; sharp ' + sharp.versions.sharp + ' + libvips ' + sharp.versions.vips + ', onnxruntime backends ' + Object.keys(ort).length));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: tmp });
    log(`[${target}] ${out.trim()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function packageTargets(argv) {
  const o = parseArgs(argv);
  const log = (s) => console.log(s);
  const version = readJson(join(repo, 'package.json')).version;
  mkdirSync(o.outDir, { recursive: true });
  const made = [];
  for (const target of o.targets) {
    const dir = stage(target, log);
    const outFile = join(o.outDir, `radalign-${target}-${version}.vsix`);
    vscePackage(target, dir, outFile, log);
    made.push(check(target, outFile, log));
    if (o.verify && target === hostTarget()) loadFromVsix(target, outFile, log);
  }
  console.log('\nVSIX files:');
  for (const m of made) console.log(`  ${mb(m.bytes).padStart(9)}  ${relative(repo, m.file)}`);
  return made;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    packageTargets(process.argv.slice(2));
  } catch (e) {
    console.error(`package-vsix: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
