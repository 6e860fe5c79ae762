// `radalign score --save`, `radalign flag`, `radalign verdict` and `radalign review`, run as a user
// or a script runs them: the built CLI in child processes, several at once on one folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openSavedResults } from '../../src/engine/store/results-file';
import { STORE_FORMAT } from '../../src/engine/results-store/store-schema';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { repoRoot, tinyClipDir } from '../helpers/fixture-models';

const cli = join(repoRoot, 'bin', 'radalign.js');
let cacheDir = '';
let gitConfig = '';
/** A git configuration of the test's own, so the default reviewer is known whatever the machine's. */
const env = () => ({
  ...process.env,
  RADALIGN_CACHE_DIR: cacheDir,
  GIT_CONFIG_GLOBAL: gitConfig,
  GIT_CONFIG_NOSYSTEM: '1',
});
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot, env: env() });
const runAsync = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('radalign flag, verdict and review (CLI over the review store)', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let ids: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-flag-cli-'));
    cacheDir = join(dir, 'cache');
    gitConfig = join(dir, 'gitconfig');
    await writeFile(gitConfig, '[user]\n\tname = Git Person\n');
    data = join(dir, 'data');
    await writeSyntheticDataset(data, { pairs: 6, seed: 3, size: 64 });
    const r = run('score', data, '--model', tinyClipDir, '--save');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Saved for review: .*\.radalign[\\/]results\.json/);
    const saved = JSON.parse(await readFile(join(data, '.radalign', 'results.json'), 'utf8'));
    assert.equal(saved.format, STORE_FORMAT);
    const opened = await openSavedResults(data);
    assert.ok(opened?.ok);
    ids = opened.results.ids();
    await opened.results.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('flags a sentence, prints the stored entry, and unflags with "none"', async () => {
    const r = run('flag', data, ids[0], 'laterality', '--sentence', '1', '--note', 'says left', '--reviewer', 'ann');
    assert.equal(r.status, 0, r.stderr);
    const entry = JSON.parse(r.stdout);
    assert.deepEqual(
      [entry.pair, entry.sentence, entry.reason, entry.note, entry.reviewer, entry.rev],
      [ids[0], 1, 'laterality', 'says left', 'ann', 1],
    );
    assert.equal(entry.kind, 'flag');
    assert.equal(typeof entry.sentenceText, 'string');
    assert.ok(
      Number.isInteger(entry.start) && entry.end > entry.start,
      'the sentence offsets are stored, so the flag can follow its text',
    );
    const onDisk = (await readFile(join(data, '.radalign', 'review.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(onDisk, [{ format: 'radalign-review/2' }, entry]);
    const un = run('flag', data, ids[0], 'none', '--sentence', '1', '--reviewer', 'ann');
    assert.equal(un.status, 0, un.stderr);
    assert.deepEqual([JSON.parse(un.stdout).reason, JSON.parse(un.stdout).rev], [null, 2]);
  });

  it('exits 2 with a message for an unknown reason, a missing sentence or pair, and a folder never saved', async () => {
    const cases: [string[], RegExp][] = [
      [['flag', data, ids[1], 'blurry'], /unknown reason "blurry" \(expected one of wrong-study, .*, or none/],
      [
        ['flag', data, ids[1], 'other', '--sentence', '99'],
        /has \d+ sentences? \(--sentence 0 to \d+\); there is no sentence 99/,
      ],
      [['flag', data, ids[1], 'other', '--sentence', '-1'], /there is no sentence -1/],
      [['flag', data, 'no/such-pair', 'other'], /no pair "no\/such-pair" in .*results\.json \(6 pairs\)/],
      [['flag', join(dir, 'cache'), 'x', 'other'], /no saved results in .*: run "radalign score .* --save" first/],
      [['review', data, '--format', 'xml'], /unknown format "xml"/],
      [
        ['verdict', data, ids[1], 'fine'],
        /unknown verdict "fine" \(expected one of aligned, mismatched, unsure, or none/,
      ],
      [['verdict', data, ids[1], 'aligned', '--reason', 'laterality'], /--reason goes with a mismatched verdict only/],
      [['verdict', data, ids[1], 'mismatched', '--reason', 'blurry'], /--reason: unknown reason "blurry"/],
      [
        ['verdict', data, ids[1], 'mismatched', '--use-report-of', 'nope'],
        /--use-report-of: no pair "nope" in .*results\.json/,
      ],
      [['verdict', data, ids[1], 'mismatched', '--use-report-of', ids[1]], /--use-report-of: ".*" is this pair/],
      [['verdict', data, 'no/such-pair', 'aligned'], /no pair "no\/such-pair"/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message);
    }
  });

  it("verdict records each reviewer's verdict side by side (default reviewer: the git user), and an adjudication", async () => {
    const ann = run('verdict', data, ids[3], 'aligned', '--reviewer', 'ann');
    assert.equal(ann.status, 0, ann.stderr);
    const entry = JSON.parse(ann.stdout);
    assert.deepEqual(
      [entry.kind, entry.pair, entry.reviewer, entry.verdict, entry.reason, entry.rev],
      ['verdict', ids[3], 'ann', 'aligned', null, 1],
    );
    const git = run(
      'verdict',
      data,
      ids[3],
      'mismatched',
      '--reason',
      'wrong-study',
      '--use-report-of',
      ids[4],
      '--note',
      'see other',
    );
    assert.equal(git.status, 0, git.stderr);
    assert.deepEqual([JSON.parse(git.stdout).reviewer, JSON.parse(git.stdout).useReportOf], ['Git Person', ids[4]]);
    const settle = run('verdict', data, ids[3], 'aligned', '--adjudicate', '--reviewer', 'lead');
    assert.equal(settle.status, 0, settle.stderr);
    assert.equal(JSON.parse(settle.stdout).kind, 'adjudication');
    const lines = (await readFile(join(data, '.radalign', 'review.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.filter((l) => l.pair === ids[3]).map((l) => [l.kind, l.reviewer, l.verdict]),
      [
        ['verdict', 'Git Person', 'mismatched'],
        ['verdict', 'ann', 'aligned'],
        ['adjudication', 'lead', 'aligned'],
      ],
    );
    const cleared = run('verdict', data, ids[3], 'none', '--reviewer', 'ann');
    assert.deepEqual([JSON.parse(cleared.stdout).verdict, JSON.parse(cleared.stdout).rev], [null, 2]);
  });

  it('review prints the current verdicts and flags joined with the scores, as JSON or CSV, or writes them to a file', async () => {
    const flagged = run('flag', data, ids[2], 'wrong-study', '--note', '=1+1');
    assert.equal(flagged.status, 0, flagged.stderr);
    assert.deepEqual(
      [JSON.parse(flagged.stdout).kind, JSON.parse(flagged.stdout).verdict],
      ['verdict', 'mismatched'],
      'a pair flag is the mismatched verdict',
    );
    const json = run('review', data);
    assert.equal(json.status, 0, json.stderr);
    const entries = JSON.parse(json.stdout).entries as {
      pair: string;
      reason: string;
      verdict: string;
      rank: number | null;
    }[];
    const mine = entries.find((f) => f.pair === ids[2])!;
    assert.deepEqual([mine.verdict, mine.reason], ['mismatched', 'wrong-study']);
    assert.equal(typeof mine.rank, 'number', 'joined with the saved scores');
    const out = join(dir, 'review.csv');
    const csv = run('review', data, '--format', 'csv', '--out', out);
    assert.equal(csv.status, 0, csv.stderr);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.find((r) => r.pair === ids[2])?.note, "'=1+1");
  });

  it('a review.jsonl that is a symlink to outside: flag exits 2 and the target is untouched', async () => {
    const other = join(dir, 'other');
    await writeSyntheticDataset(other, { pairs: 2, seed: 4, size: 64 });
    assert.equal(run('score', other, '--model', tinyClipDir, '--save').status, 0);
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep me\n');
    await symlink(victim, join(other, '.radalign', 'review.jsonl'));
    const saved = await openSavedResults(other);
    assert.ok(saved?.ok);
    const r = run('flag', other, saved.results.ids()[0], 'other');
    await saved.results.close();
    assert.equal(r.status, 2);
    assert.match(r.stderr, /review\.jsonl: is a symbolic link, not a file; radalign refuses/);
    assert.equal(await readFile(victim, 'utf8'), 'keep me\n');
    assert.ok(!(await readdir(join(other, '.radalign'))).some((f) => f.includes('unreadable')));
  });

  it('score --save into a .radalign that is a symlink: exit 2, nothing written outside', async () => {
    const ds = join(dir, 'linked');
    await writeSyntheticDataset(ds, { pairs: 2, seed: 5, size: 64 });
    const outside = join(dir, 'outside-radalign');
    await mkdir(outside);
    await symlink(outside, join(ds, '.radalign'));
    const r = run('score', ds, '--model', tinyClipDir, '--save');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not saved in the dataset folder: .*\.radalign: is a symbolic link/);
    assert.deepEqual(await readdir(outside), []);
  });

  it('four CLI processes flagging one folder at once keep every flag', async () => {
    const perWriter = 8;
    const writers = ['w0', 'w1', 'w2', 'w3'].map(async (name, w) => {
      const acked: { key: string; rev: number; note: string }[] = [];
      for (let i = 0; i < perWriter; i++) {
        // Half the targets are shared between writers (pair i, sentence 0, one reviewer name), half are the writer's own.
        const [pair, sentence, reviewer] =
          i % 2 === 0 ? [ids[i % ids.length], '0', 'shared'] : [ids[w % ids.length], String(1 + (i % 3)), name];
        const note = `${name}-${i}`;
        const r = await runAsync(
          'flag',
          data,
          pair,
          'finding-absent',
          '--sentence',
          sentence,
          '--note',
          note,
          '--reviewer',
          reviewer,
        );
        assert.equal(r.status, 0, r.stderr);
        const entry = JSON.parse(r.stdout);
        acked.push({ key: `${entry.pair}#${entry.sentence}#${entry.reviewer}`, rev: entry.rev, note });
      }
      return acked;
    });
    const acked = (await Promise.all(writers)).flat();
    const onDisk = new Map<string, { note: string }>(
      (await readFile(join(data, '.radalign', 'review.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as { pair: string; sentence: number | null; reviewer: string; note: string })
        .map((e) => [`${e.pair}#${e.sentence}#${e.reviewer}`, e]),
    );
    // A lost update shows as two acknowledged changes of one target with the same revision (both
    // read the same state), or a target whose file state is not its newest acknowledged change.
    const byKey = new Map<string, { rev: number; note: string }[]>();
    for (const a of acked) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
    for (const [key, changes] of byKey) {
      const revs = changes.map((c) => c.rev);
      assert.equal(
        new Set(revs).size,
        revs.length,
        `${key}: two acknowledged changes share a revision (${revs.join(', ')})`,
      );
      const newest = changes.reduce((a, b) => (b.rev > a.rev ? b : a));
      assert.equal(onDisk.get(key)?.note, newest.note, `${key}: the file holds the newest acknowledged change`);
    }
    assert.equal(acked.length, 4 * perWriter);
    console.log(
      `      4 CLI processes × ${perWriter} flags (${byKey.size} targets, some shared): ${acked.length} acknowledged, none lost`,
    );
  });
});
