#!/usr/bin/env node
// Packages the extension as one VSIX per platform. The bundles in dist/ carry every pure-JS
// dependency (esbuild.mjs); a VSIX adds only the native packages — package.json's "dependencies",
// onnxruntime-node and sharp — with their binaries for its own platform.
//
//   node scripts/package/package-vsix.mjs [--target <t>]... [--all] [--out <dir>] [--no-verify]
//
// Default target: this machine's. Needs `npm run build` first (dist/). Per target, in
// out/package/<target>/ (the repo's own node_modules is never touched):
//   1. `npm ci --omit=dev --os --cpu [--libc] --ignore-scripts` with the repo's package.json,
//      package-lock.json and .npmrc installs the natives and that platform's @img/sharp-* packages
//      (a few seconds, from npm's cache); other platforms' onnxruntime binaries, and those its CPU
//      provider never loads, are deleted;
//   2. what ships is copied in (.vscodeignore, an allowlist, picks the files of it and of
//      node_modules); package.json without `scripts` (vsce would run `vscode:prepublish`, a build,
//      in a folder without sources) and `devDependencies`;
//   3. `vsce package --target <t>` writes <out>/radalign-<target>-<version>.vsix (default out/vsix/).
// Each VSIX is then checked (check()), its size printed, and for this machine's target the natives
// are loaded from the unpacked VSIX the way the bundles load them.
import { execFileSync, spawnSync } from 'node:child_process';
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
 * Targets both natives ship binaries for: onnxruntime-node 1.30 has bin/napi-v6/{linux/x64,
 * linux/arm64, darwin/arm64, win32/x64, win32/arm64} (no darwin-x64, musl or armhf; and `web`
 * cannot load natives) and sharp 0.35 has @img/sharp-* for all of them (glibc builds on Linux).
 */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'win32-x64': { os: 'win32', cpu: 'x64' },
  'win32-arm64': { os: 'win32', cpu: 'arm64' },
};
/** The extension's run-time bundles (the CLI's, dist/cli/, is not shipped in the VSIX). */
const BUNDLES = ['dist/extension.js', 'dist/score-worker.js', 'dist/display-worker.js'];
/** Copied into each staging folder when present (package.nls*.json, l10n/: localised strings). */
const COPIED = ['dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'l10n'];

export function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return t in TARGETS ? t : undefined;
}

function parseArgs(argv) {
  const o = { targets: [], outDir: join(repo, 'out', 'vsix'), verify: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') o.targets.push(...Object.keys(TARGETS));
    else if (a === '--target' || a === '-t') o.targets.push(argv[++i]);
    else if (a === '--out') o.outDir = resolve(argv[++i]);
    else if (a === '--no-verify') o.verify = false;
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
    if (!TARGETS[t]) throw new Error(`unknown target ${t}; supported: ${Object.keys(TARGETS).join(', ')}`);
  }
  return o;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const manifest = () => JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

/** What the bundles `require` beyond Node's builtins and `vscode`: it must be one of the natives. */
function checkBundleRequires() {
  const natives = Object.keys(manifest().dependencies);
  const builtins = new Set(builtinModules);
  for (const b of BUNDLES) {
    const file = join(repo, b);
    if (!existsSync(file)) throw new Error(`missing ${b}: run \`npm run build\` first`);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      if (spec.startsWith('node:') || spec === 'vscode' || builtins.has(spec.split('/')[0])) continue;
      if (!natives.includes(spec))
        throw new Error(`${b} requires ${spec}, neither bundled nor in package.json "dependencies" (esbuild.mjs)`);
    }
  }
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** A clean environment for the nested npm: no settings inherited from an outer `npm run`. */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/**
 * Files in onnxruntime-node's bin/ that radalign's CPU provider never loads, checked against the
 * 1.30 binaries' import tables: on Windows onnxruntime.dll delay-loads DirectML.dll (only for the
 * DirectML provider) and imports neither dxcompiler.dll nor dxil.dll; on macOS the binding links
 * libonnxruntime.1.dylib and libonnxruntime.<version>.dylib is a byte-identical copy.
 */
const ORT_UNUSED = {
  win32: (files) => files.filter((f) => ['directml.dll', 'dxcompiler.dll', 'dxil.dll'].includes(f.toLowerCase())),
  darwin: (files, dir) =>
    files.filter(
      (f) =>
        /^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(f) &&
        files.includes('libonnxruntime.1.dylib') &&
        readFileSync(join(dir, f)).equals(readFileSync(join(dir, 'libonnxruntime.1.dylib'))),
    ),
};

/** Deletes other platforms' onnxruntime binaries (the npm package carries all of them) and ORT_UNUSED. */
function pruneOnnxruntime(dir, os, cpu, log) {
  const bin = join(dir, 'node_modules', 'onnxruntime-node', 'bin');
  for (const napi of readdirSync(bin)) {
    for (const o of readdirSync(join(bin, napi)))
      for (const a of readdirSync(join(bin, napi, o)))
        if (o !== os || a !== cpu) rmSync(join(bin, napi, o, a), { recursive: true });
    const own = join(bin, napi, os, cpu);
    const unused = existsSync(own) ? (ORT_UNUSED[os]?.(readdirSync(own), own) ?? []) : [];
    for (const f of unused) rmSync(join(own, f));
    if (unused.length) log(`  left out of onnxruntime-node/bin/${napi}/${os}/${cpu}: ${unused.join(', ')}`);
  }
}

function stage(target, log) {
  const { os, cpu, libc } = TARGETS[target];
  const dir = join(repo, 'out', 'package', target);
  rmSync(dir, { recursive: true, force: true });
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
  ];
  log(`[${target}] npm ${args.join(' ')}`);
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: npmEnv(),
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  pruneOnnxruntime(dir, os, cpu, log);
  const nls = readdirSync(repo).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f));
  for (const f of [...COPIED, ...nls])
    if (existsSync(join(repo, f))) cpSync(join(repo, f), join(dir, f), { recursive: true });
  const shipped = manifest();
  delete shipped.scripts;
  delete shipped.devDependencies;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(shipped, null, 2) + '\n');
  return dir;
}

function vscePackage(target, dir, outFile, log) {
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--target', target, '--out', outFile];
  // Without a repository vsce cannot make the README's relative links (the screenshot, docs/…)
  // absolute: keep them relative (VS Code's extension view reads the README from the installed
  // folder). Add `repository` before publishing.
  if (!manifest().repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
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

/** Only its platform's binaries, the bundles and assets, no bundled package, no sources or maps. */
function check(target, vsix, log) {
  const { os, cpu } = TARGETS[target];
  const entries = zipEntries(vsix);
  const names = entries.map((e) => e.name);
  const problems = [];
  const found = (re) => [...new Set(names.map((n) => re.exec(n)?.[1]).filter(Boolean))].sort().join(', ');
  const ort = found(/^extension\/node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+\/[^/]+)\//);
  if (ort !== `${os}/${cpu}`) problems.push(`onnxruntime-node binaries for ${ort || 'nothing'}, expected ${os}/${cpu}`);
  const img = found(/^extension\/node_modules\/@img\/(sharp-[^/]+)\//);
  const p = `${os}-${cpu}`;
  const expectedImg = (os === 'win32' ? [`sharp-${p}`] : [`sharp-${p}`, `sharp-libvips-${p}`]).sort().join(', ');
  if (img !== expectedImg) problems.push(`sharp binary packages ${img || 'none'}, expected ${expectedImg}`);
  for (const f of [...BUNDLES, 'dist/webview/review-panel.js', 'media/icon.png', 'package.json'])
    if (!names.includes(`extension/${f}`)) problems.push(`${f} is missing`);
  for (const dep of Object.keys(manifest().devDependencies))
    if (names.some((n) => n.startsWith(`extension/node_modules/${dep}/`)))
      problems.push(`${dep} is bundled, yet shipped`);
  for (const n of names)
    if (/\.map$|\.tsx?$|^extension\/(src|test|out|training|scripts|dist\/cli)\//.test(n)) problems.push(`junk: ${n}`);
  const size = statSync(vsix).size;
  log(
    `[${target}] ${relative(repo, vsix)}: ${mb(size)} (${entries.length} files, ${mb(entries.reduce((s, e) => s + e.size, 0))} unpacked)`,
  );
  const groups = new Map();
  for (const e of entries) {
    const key = /^extension\/(node_modules\/(?:@[^/]+\/)?[^/]+|media\/models\/[^/]+|[^/]+)/.exec(e.name)?.[1] ?? e.name;
    const g = groups.get(key) ?? { size: 0, compressed: 0 };
    groups.set(key, { size: g.size + e.size, compressed: g.compressed + e.compressed });
  }
  for (const [key, g] of [...groups].sort((a, b) => b[1].compressed - a[1].compressed).slice(0, 8))
    log(`    ${mb(g.compressed).padStart(9)} compressed, ${mb(g.size).padStart(9)} unpacked  ${key}`);
  if (problems.length) throw new Error(`${relative(repo, vsix)}:\n  ${problems.join('\n  ')}`);
  return { target, file: vsix, bytes: size, files: entries.length };
}

/** Unpacks the VSIX and loads the natives from its dist/, as the bundles do; sharp renders a PNG. */
function loadFromVsix(target, vsix, log) {
  const tmp = mkdtempSync(join(tmpdir(), 'radalign-vsix-'));
  try {
    execFileSync('unzip', ['-q', vsix, 'extension/*', '-d', tmp]);
    const from = JSON.stringify(join(tmp, 'extension', 'dist', 'extension.js'));
    const script = `const r = require('node:module').createRequire(${from});
const sharp = r('sharp'); const ort = r('onnxruntime-node');
sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer().then(() => console.log('loaded sharp ' + sharp.versions.sharp + ' + libvips ' + sharp.versions.vips + ', onnxruntime-node ' + Object.keys(ort).length + ' exports'));`;
    log(`[${target}] ${execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: tmp }).trim()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function packageTargets(argv) {
  const o = parseArgs(argv);
  const log = (s) => console.log(s);
  checkBundleRequires();
  mkdirSync(o.outDir, { recursive: true });
  const made = [];
  for (const target of o.targets) {
    const dir = stage(target, log);
    const outFile = join(o.outDir, `radalign-${target}-${manifest().version}.vsix`);
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
