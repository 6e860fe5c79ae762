// Splitting ranked pairs among reviewers: deterministic, balanced at every rank, the chosen share
// reviewed twice by two different people, every pair given out; and the saved file, validated on
// read and never written or read through a link.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Assignment,
  AssignmentInputError,
  assignPairs,
  isDoubled,
  readAssignment,
  writeAssignment,
} from '../../../src/engine/review/assignment';
import { RefusedPathError } from '../../../src/engine/store/radalign-folder';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `pair-${String(i).padStart(6, '0')}`);
const when = new Date('2026-11-30T10:00:00.000Z');

/** Reviewers of each pair, in rank order. */
function whoHas(a: Assignment, ranked: readonly string[]): string[][] {
  const by = new Map<string, string[]>(ranked.map((id) => [id, []]));
  for (const name of a.reviewers) for (const id of a.shares[name]) by.get(id)!.push(name);
  return ranked.map((id) => by.get(id)!);
}

describe('assignment of pairs to reviewers', () => {
  it('is deterministic: the same input gives the same shares', () => {
    const ranked = ids(1000);
    const a = assignPairs(ranked, ['ann', 'bob', 'cleo'], 0.1, when);
    const b = assignPairs([...ranked], ['ann', 'bob', 'cleo'], 0.1, when);
    assert.deepEqual(a, b);
    assert.deepEqual(Object.keys(a.shares), ['ann', 'bob', 'cleo']);
    assert.equal(a.createdAt, '2026-11-30T10:00:00.000Z');
  });

  for (const [n, reviewers, overlap] of [
    [1000, 3, 0.1],
    [997, 4, 0.25],
    [6, 2, 0.1],
    [100, 5, 1],
    [101, 2, 0.29],
    [50, 1, 0],
    [0, 3, 0.5],
    [7, 3, 0],
    [8, 3, 0.5],
    [60, 6, 0.3],
  ] as const) {
    it(`${n} pairs, ${reviewers} reviewers, overlap ${overlap}: every pair given out, ⌈N·overlap⌉ twice, balanced at every rank`, () => {
      const ranked = ids(n);
      const names = ['ann', 'bob', 'cleo', 'dan', 'eve'].slice(0, reviewers);
      const a = assignPairs(ranked, names, overlap, when);
      const who = whoHas(a, ranked);
      const doubled = Math.max(0, Math.ceil(n * overlap - 1e-9));
      assert.ok(
        who.every((r) => r.length === 1 || r.length === 2),
        'each pair has one or two reviewers',
      );
      assert.equal(who.filter((r) => r.length === 2).length, doubled);
      for (const r of who)
        if (r.length === 2) assert.notEqual(r[0], r[1], 'a doubled pair goes to two different reviewers');
      // Shares are in rank order.
      for (const name of names) assert.deepEqual(a.shares[name], [...a.shares[name]].sort());
      // Balanced at every prefix of the ranking: the most suspicious pairs are spread evenly too.
      const load = new Map(names.map((x) => [x, 0]));
      for (const r of who) {
        for (const x of r) load.set(x, load.get(x)! + 1);
        const loads = [...load.values()];
        assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads.join('/')} differ by more than one`);
      }
      // Doubled pairs are spread over the ranks: in each half of the ranking about half of them.
      if (doubled >= 4) {
        const firstHalf = who.slice(0, Math.floor(n / 2)).filter((r) => r.length === 2).length;
        assert.ok(Math.abs(firstHalf - doubled / 2) <= 1, `${firstHalf} of ${doubled} doubled pairs in the first half`);
      }
      // Double reviews are spread evenly over reviewers.
      const twice = names.map((x) => who.filter((r) => r.length === 2 && r.includes(x)).length);
      assert.ok(Math.max(...twice) - Math.min(...twice) <= 2, `pairs reviewed twice per reviewer: ${twice.join('/')}`);
      // Every two reviewers share pairs when there are enough doubled pairs to go round.
      const together = new Map<string, number>();
      for (const r of who)
        if (r.length === 2) together.set([...r].sort().join('+'), (together.get([...r].sort().join('+')) ?? 0) + 1);
      const couples = (reviewers * (reviewers - 1)) / 2;
      if (doubled >= 2 * couples && couples > 0) {
        assert.equal(together.size, couples, `every two reviewers share pairs: ${[...together].join(', ')}`);
        const counts = [...together.values()];
        assert.ok(
          Math.max(...counts) - Math.min(...counts) <= 2,
          `shared pairs spread evenly over couples: ${counts.join('/')}`,
        );
      }
    });
  }

  it('without overlap, deals round-robin in rank order', () => {
    const a = assignPairs(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'], ['ann', 'bob', 'cleo'], 0, when);
    assert.deepEqual(a.shares, { ann: ['r1', 'r4', 'r7'], bob: ['r2', 'r5', 'r8'], cleo: ['r3', 'r6'] });
  });

  it('doubles the most suspicious pair first and spreads the rest evenly', () => {
    assert.deepEqual(
      Array.from({ length: 10 }, (_, i) => isDoubled(i, 0.3)),
      [true, false, false, true, false, false, true, false, false, false],
    );
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => isDoubled(i, 0)),
      [false, false, false, false],
    );
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => isDoubled(i, 1)),
      [true, true, true, true],
    );
    // Exactly the share asked for, where floating point puts 100 × 0.07 at 7.000…1 and 100 × 0.29 at 28.99…
    for (const [overlap, twice] of [
      [0.07, 7],
      [0.29, 29],
      [0.57, 57],
      [0.58, 58],
    ]) {
      assert.equal(
        Array.from({ length: 100 }, (_, i) => isDoubled(i, overlap)).filter(Boolean).length,
        twice,
        `overlap ${overlap}`,
      );
    }
  });

  it('refuses bad input, naming the option', () => {
    const bad: [string[], number, RegExp][] = [
      [[], 0, /^reviewers: name at least one reviewer/],
      [['ann', ' '], 0, /^reviewers: name 2 of 2 is empty/],
      [['ann', 'bob', ' ann '], 0, /^reviewers: "ann" is named twice/],
      [['ann', '__proto__'], 0, /^reviewers: "__proto__" cannot be a reviewer's name/],
      [['ann', 'bob'], -0.1, /^overlap: expected a share between 0 and 1/],
      [['ann', 'bob'], 1.5, /^overlap: expected a share between 0 and 1 .*got 1\.5/],
      [['ann', 'bob'], NaN, /^overlap: expected a share between 0 and 1/],
      [['ann'], 0.1, /^overlap: pairs reviewed twice need at least two reviewers; only "ann"/],
    ];
    for (const [reviewers, overlap, message] of bad) {
      assert.throws(
        () => assignPairs(ids(5), reviewers, overlap),
        (e: unknown) => e instanceof AssignmentInputError && message.test(e.message),
        `${reviewers.join(',')} ${overlap}`,
      );
    }
    assert.deepEqual(assignPairs(ids(2), [' ann ', 'bob'], 0).reviewers, ['ann', 'bob'], 'names are trimmed');
  });

  it('deals 227,000 pairs to 5 reviewers quickly', () => {
    const ranked = ids(227_000);
    const t0 = performance.now();
    const a = assignPairs(ranked, ['ann', 'bob', 'cleo', 'dan', 'eve'], 0.1, when);
    const ms = performance.now() - t0;
    assert.equal(
      Object.values(a.shares).reduce((s, x) => s + x.length, 0),
      227_000 + 22_700,
    );
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
    console.log(`      227,000 pairs, 5 reviewers, overlap 0.1: ${ms.toFixed(0)} ms`);
  });
});

describe('assignment file', () => {
  let tmp: string;
  let root: string;
  const file = () => join(root, '.radalign', 'assignment.json');
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-assignment-'));
    root = join(tmp, 'ds');
    await mkdir(root);
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('round-trips through .radalign/assignment.json; none saved reads as undefined', async () => {
    assert.equal(await readAssignment(root), undefined);
    const a = assignPairs(ids(20), ['ann', 'bob'], 0.2, when);
    const path = await writeAssignment(root, a);
    assert.equal(path, file());
    assert.deepEqual(await readAssignment(root), a);
    assert.equal(JSON.parse(await readFile(file(), 'utf8')).format, 'radalign-assignment/1');
    assert.ok(!(await readdir(join(root, '.radalign'))).some((f) => f.includes('.tmp-')), 'no temporary file left');
  });

  it('a damaged file is refused with the file and the field named', async () => {
    const good = assignPairs(ids(6), ['ann', 'bob'], 0.5, when);
    const cases: [unknown, RegExp][] = [
      [
        { ...good, format: 'radalign-assignment/9' },
        /assignment\.json: format: "radalign-assignment\/9" is not "radalign-assignment\/1"/,
      ],
      [{ ...good, overlap: 2 }, /assignment\.json: overlap: expected 0\.\.1, got 2/],
      [{ ...good, overlap: '0.1' }, /assignment\.json: overlap: expected a number/],
      [{ ...good, createdAt: 'yesterday' }, /assignment\.json: createdAt: expected an ISO 8601 time/],
      [{ ...good, reviewers: ['ann', 'ann'] }, /assignment\.json: reviewers\[1\]: "ann" is named twice/],
      [{ ...good, reviewers: [] }, /assignment\.json: reviewers: expected at least one reviewer/],
      [{ ...good, shares: { ann: good.shares.ann } }, /assignment\.json: shares\.bob: missing/],
      [
        { ...good, shares: { ...good.shares, zoe: [] } },
        /assignment\.json: shares\.zoe: "zoe" is not one of the reviewers/,
      ],
      [
        { ...good, shares: { ...good.shares, bob: ['x', 3] } },
        /assignment\.json: shares\.bob\[1\]: expected a string, got 3/,
      ],
      [
        { ...good, shares: { ...good.shares, bob: ['x', 'x'] } },
        /assignment\.json: shares\.bob\[1\]: "x" appears twice/,
      ],
      [
        { ...good, reviewers: ['ann'], shares: { ann: [] } },
        /assignment\.json: overlap: above 0 with a single reviewer/,
      ],
      [[], /assignment\.json: not a radalign assignment/],
    ];
    await mkdir(join(root, '.radalign'));
    for (const [json, message] of cases) {
      await writeFile(file(), JSON.stringify(json));
      await assert.rejects(readAssignment(root), message, JSON.stringify(json));
    }
    await writeFile(file(), '{"format": "radalign-assignment/1", ');
    await assert.rejects(readAssignment(root), /assignment\.json: not valid JSON/);
  });

  it('a symlinked assignment.json is neither read nor written through', async () => {
    const victim = join(tmp, 'victim.json');
    const a = assignPairs(ids(4), ['ann', 'bob'], 0, when);
    await writeFile(victim, JSON.stringify(a));
    await mkdir(join(root, '.radalign'));
    await symlink(victim, file());
    await assert.rejects(
      readAssignment(root),
      (e: unknown) => e instanceof RefusedPathError && /assignment\.json: is a symbolic link/.test(e.message),
    );
    await assert.rejects(writeAssignment(root, a), RefusedPathError);
    assert.equal(await readFile(victim, 'utf8'), JSON.stringify(a), 'the target is untouched');
  });
});
