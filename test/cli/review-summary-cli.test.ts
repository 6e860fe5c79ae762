// `radalign assign` and `radalign review --summary`, run as a user runs them: the built CLI on a
// small dataset scored with --save, two reviewers on overlapping shares, one adjudication.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReviewStore } from '../../src/engine/review';
import type { Verdict } from '../../src/engine/review/types';
import { openSavedResults } from '../../src/engine/store/results-file';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';
import { cliRunner } from '../helpers/run-cli';

let cacheDir = '';
const run = cliRunner(() => ({ RADALIGN_CACHE_DIR: cacheDir }));

describe('radalign assign and review --summary (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let ids: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-summary-cli-'));
    cacheDir = join(dir, 'cache');
    data = join(dir, 'data');
    await writeSyntheticDataset(data, { pairs: 8, seed: 3, size: 64 });
    const r = run('score', data, '--model', tinyClipDir, '--save');
    assert.equal(r.status, 0, r.stderr);
    const opened = await openSavedResults(data);
    assert.ok(opened?.ok);
    ids = opened.results.ids();
    await opened.results.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('assign splits the ranked pairs, half of them to both reviewers, and prints the shares', async () => {
    const r = run('assign', data, '--reviewers', 'ann, bob', '--overlap', '0.5');
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /Assigned 8 pairs to 2 reviewers, 4 of them to two \(overlap 0\.5\): .*\.radalign[\\/]assignment\.json/,
    );
    assert.match(r.stdout, /│ ann +│ 6 +│ 4 +│/);
    assert.match(r.stdout, /Reviewed twice by: ann & bob 4/);
    const saved = JSON.parse(await readFile(join(data, '.radalign', 'assignment.json'), 'utf8'));
    assert.equal(saved.format, 'radalign-assignment/1');
    assert.deepEqual(saved.reviewers, ['ann', 'bob']);
    // Every pair given out; the most suspicious first in each share; the first one to both.
    assert.deepEqual(new Set([...saved.shares.ann, ...saved.shares.bob]), new Set(ids));
    for (const share of [saved.shares.ann, saved.shares.bob])
      assert.deepEqual(
        share,
        ids.filter((id) => share.includes(id)),
      );
    assert.ok(saved.shares.ann.includes(ids[0]) && saved.shares.bob.includes(ids[0]));
    // Running it again gives the same shares, and says what it replaced.
    const again = run('assign', data, '--reviewers', 'ann,bob', '--overlap', '0.5');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Replaced the assignment of .* \(ann, bob, overlap 0\.5\)/);
    assert.deepEqual(
      JSON.parse(await readFile(join(data, '.radalign', 'assignment.json'), 'utf8')).shares,
      saved.shares,
    );
  });

  it('review --summary: totals, each reviewer, agreement, the open disagreement and the adjudicated one', async () => {
    const assignment = JSON.parse(await readFile(join(data, '.radalign', 'assignment.json'), 'utf8')) as {
      shares: Record<string, string[]>;
    };
    const both = assignment.shares.ann.filter((id) => assignment.shares.bob.includes(id));
    const annOnly = assignment.shares.ann.filter((id) => !both.includes(id));
    assert.equal(both.length, 4);
    assert.equal(annOnly.length, 2);
    // On the four pairs both judged: agree, agree, disagree (adjudicated), disagree (left open).
    const store = new ReviewStore(data);
    const say = (pair: string, reviewer: string, verdict: Verdict) =>
      store.record({
        kind: 'verdict',
        pair,
        reviewer,
        verdict,
        reason: verdict === 'mismatched' ? 'wrong-study' : null,
        note: '',
        model: 'tiny-clip-fixture',
      });
    await say(both[0], 'ann', 'aligned');
    await say(both[0], 'bob', 'aligned');
    await say(both[1], 'ann', 'mismatched');
    await say(both[1], 'bob', 'mismatched');
    await say(both[2], 'ann', 'aligned');
    await say(both[2], 'bob', 'mismatched');
    await say(both[3], 'ann', 'unsure');
    await say(both[3], 'bob', 'aligned');
    await say(annOnly[0], 'ann', 'aligned');
    const adjudicated = run(
      'verdict',
      data,
      both[2],
      'mismatched',
      '--reason',
      'laterality',
      '--reviewer',
      'lead',
      '--adjudicate',
    );
    assert.equal(adjudicated.status, 0, adjudicated.stderr);

    const r = run('review', data, '--summary', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(s), [
      'total',
      'reviewed',
      'reviewers',
      'agreement',
      'disagreed',
      'adjudicated',
      'outcomes',
    ]);
    assert.equal(s.total, 8);
    assert.equal(s.reviewed, 5);
    assert.deepEqual(s.reviewers, {
      ann: { reviewed: 5, aligned: 3, mismatched: 1, unsure: 1, assigned: 6, assignedReviewed: 5 },
      bob: { reviewed: 4, aligned: 2, mismatched: 2, unsure: 0, assigned: 6, assignedReviewed: 4 },
    });
    assert.deepEqual(s.disagreed, [both[3]]);
    assert.deepEqual(s.adjudicated, [both[2]]);
    assert.deepEqual(s.outcomes, { aligned: 2, mismatched: 2, unsure: 0 });
    // By hand: ann a m a u, bob a m m a. p_o = 2/4; p_e = (2·2 + 1·2 + 1·0)/16 = 6/16; κ = (8 − 6)/(16 − 6) = 0.2.
    // Alpha: 8 values, 4 matched (two units of two), n_a = 4, n_m = 3, n_u = 1:
    // α = (7·4 − (12 + 6 + 0)) / (8·7 − 18) = 10/38.
    assert.equal(s.agreement.pairs, 4);
    assert.equal(s.agreement.kappa.length, 1);
    assert.deepEqual({ ...s.agreement.kappa[0], kappa: undefined }, { a: 'ann', b: 'bob', pairs: 4, kappa: undefined });
    assert.ok(Math.abs(s.agreement.kappa[0].kappa - 0.2) < 1e-12, String(s.agreement.kappa[0].kappa));
    assert.ok(Math.abs(s.agreement.alpha - 10 / 38) < 1e-12, String(s.agreement.alpha));

    const text = run('review', data, '--summary');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /: 5 of 8 pairs reviewed \(62 %\)/);
    assert.match(text.stdout, /│ ann +│ 5 +│ 3 +│ 1 +│ 1 +│ 5 of 6 \(83 %\) +│/);
    assert.match(text.stdout, /Agreement over 4 pairs judged by two or more reviewers: Krippendorff's alpha 0\.263/);
    assert.match(text.stdout, /│ ann & bob +│ 4 +│ 0\.200 +│/);
    assert.match(
      text.stdout,
      new RegExp(`Disagreed, not settled by an adjudication \\(1, most suspicious first\\): ${both[3]}\\n`),
    );
    assert.match(text.stdout, new RegExp(`Adjudicated \\(1, most suspicious first\\): ${both[2]}\\n`));

    const out = join(dir, 'summary.json');
    const written = run('review', data, '--summary', '--format', 'json', '--out', out);
    assert.equal(written.status, 0, written.stderr);
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), s);
  });

  it('review without --summary still exports the entries', () => {
    const r = run('review', data);
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout).entries as { kind: string; reviewer: string }[];
    assert.equal(rows.length, 10, 'nine verdicts and the adjudication');
    assert.deepEqual(
      rows.filter((e) => e.kind === 'adjudication').map((e) => e.reviewer),
      ['lead'],
    );
  });

  it('a damaged assignment: the summary warns and leaves the shares out', async () => {
    const path = join(data, '.radalign', 'assignment.json');
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.replace('"overlap": 0.5', '"overlap": 5'));
    try {
      const r = run('review', data, '--summary', '--format', 'json');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /warning: shares left out: .*assignment\.json: overlap: expected 0\.\.1, got 5/);
      assert.equal(JSON.parse(r.stdout).reviewers.ann.assigned, undefined);
    } finally {
      await writeFile(path, good);
    }
  });

  it('exits 2 with a message: bad options, no saved results, a symlinked assignment.json', async () => {
    const cases: [string[], RegExp][] = [
      [['assign', data], /--reviewers: name the reviewers, separated by commas/],
      [['assign', data, '--reviewers', 'ann,,bob'], /--reviewers: name 2 of 3 is empty/],
      [['assign', data, '--reviewers', 'ann,ann'], /--reviewers: "ann" is named twice/],
      [
        ['assign', data, '--reviewers', 'ann,bob', '--overlap', '1.5'],
        /--overlap: expected a share between 0 and 1 .*got 1\.5/,
      ],
      [
        ['assign', data, '--reviewers', 'ann,bob', '--overlap', 'lots'],
        /--overlap: expected a share between 0 and 1 .*got "lots"/,
      ],
      [
        ['assign', data, '--reviewers', 'ann', '--overlap', '0.1'],
        /--overlap: pairs reviewed twice need at least two reviewers/,
      ],
      [
        ['assign', cacheDir, '--reviewers', 'ann'],
        /no saved results in .*results\.json: run "radalign score .* --save" first/,
      ],
      [['assign', join(dir, 'nowhere'), '--reviewers', 'ann'], /dataset folder not found/],
      [
        ['review', cacheDir, '--summary'],
        /--summary needs the saved results, and there are none in .*results\.json: run "radalign score .* --save" first/,
      ],
      [
        ['review', data, '--summary', '--format', 'csv'],
        /unknown format "csv" for --summary \(expected text or json\)/,
      ],
      [['review', data, '--format', 'text'], /unknown format "text" \(expected json or csv\)/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const path = join(data, '.radalign', 'assignment.json');
    const victim = join(dir, 'victim.json');
    await writeFile(victim, 'keep me\n');
    await rm(path);
    await symlink(victim, path);
    const r = run('assign', data, '--reviewers', 'ann,bob');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /assignment\.json: is a symbolic link, not a file; radalign refuses/);
    assert.equal(await readFile(victim, 'utf8'), 'keep me\n');
    const summary = run('review', data, '--summary');
    assert.equal(summary.status, 0, summary.stderr);
    assert.match(summary.stderr, /warning: shares left out: .*assignment\.json: is a symbolic link/);
  });
});
