// Saved results in `<folder>/.radalign/results.json`: read through the link-refusing reader,
// validated in full, and either used or refused with a reason naming the file and the field.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readSavedResults, resultsFileFor } from '../../src/extension/saved-results';
import { syntheticPair, writeStore, writeSyntheticStore } from '../helpers/synthetic-store';
import type { PairResult } from '../../src/engine/results';
import { pair, results } from '../helpers/review-fixtures';

describe('extension saved results', () => {
  let base: string;
  let folder: string;
  const write = (text: string) => {
    mkdirSync(dirname(resultsFileFor(folder)), { recursive: true });
    writeFileSync(resultsFileFor(folder), text);
  };
  const good = () => results([pair('a', 1, 'Right effusion. No pneumothorax.')]);

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'radalign-saved-'));
    folder = join(base, 'data');
    mkdirSync(folder);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('finds none in a folder never scored', async () => {
    assert.deepEqual(await readSavedResults(folder), { status: 'none', folder });
  });

  it('reads a results document (radalign-results/3, as `radalign score --out` writes), validated', async () => {
    write(JSON.stringify(good()));
    const outcome = await readSavedResults(folder);
    assert.equal(outcome.status, 'loaded', JSON.stringify(outcome));
    if (outcome.status !== 'loaded') return;
    assert.equal(outcome.saved.resultsFile, join(folder, '.radalign', 'results.json'));
    assert.deepEqual(await outcome.saved.results.pair('a'), good().pairs[0]);
    assert.deepEqual(outcome.saved.skipped, []);
    await outcome.saved.release();
  });

  it('reads what an earlier version saved (radalign-results/1: score, report, imageScore), renamed on read', async () => {
    const withImageCosine = (p: PairResult) => ({
      ...p,
      sentences: p.sentences.map((x, k) => ({ ...x, imageCosine: x.evidence + 0.01 * (k + 1) })),
    });
    const now = results([
      withImageCosine(
        pair('a', 1, 'Right effusion. No pneumothorax.', [0.3, 0.1], {
          cosine: 0.27,
          bestReports: [{ id: 'b', cosine: 0.4 }],
        }),
      ),
      withImageCosine(pair('b', 2, 'Clear lungs.', [0.2], { reportRow: 'table.csv#row 2' })),
    ]);
    const v1 = {
      ...now,
      format: 'radalign-results/1',
      pairs: now.pairs.map(({ reportFile, reportRow, cosine, bestReports, sentences, ...p }) => ({
        ...p,
        report: reportFile ?? reportRow,
        score: cosine,
        bestReports: bestReports.map(({ cosine: score, ...b }) => ({ ...b, score })),
        sentences: sentences.map(({ evidence: score, imageCosine: imageScore, ...x }) => ({ ...x, score, imageScore })),
      })),
    };
    write(JSON.stringify(v1));
    const outcome = await readSavedResults(folder);
    assert.equal(outcome.status, 'loaded', JSON.stringify(outcome));
    if (outcome.status !== 'loaded') return;
    assert.deepEqual(await outcome.saved.results.pair('a'), now.pairs[0]);
    assert.deepEqual(await outcome.saved.results.pair('b'), now.pairs[1]);
    assert.deepEqual(
      ['a', 'b'].map((id) => outcome.saved.results.entry(id)),
      now.pairs.map((p) => ({
        id: p.id,
        rank: p.rank,
        suspicion: p.suspicion,
        cosine: p.cosine,
        inputKey: '',
        reportFile: p.reportFile,
        reportRow: p.reportRow,
        images: p.images,
      })),
    );
    await outcome.saved.release();
  });

  it('opens a results store (radalign-results/4): the index and skipped list in memory, pairs on demand, closed on release', async () => {
    await writeStore(
      folder,
      [syntheticPair(2, 3), syntheticPair(1, 3), syntheticPair(3, 3)],
      [{ path: join(folder, 'x.png'), reason: 'not an image' }],
    );
    const outcome = await readSavedResults(folder);
    assert.equal(outcome.status, 'loaded', JSON.stringify(outcome));
    if (outcome.status !== 'loaded') return;
    const { results: opened, skipped } = outcome.saved;
    assert.equal(opened.count, 3);
    assert.deepEqual(skipped, [{ path: join(folder, 'x.png'), reason: 'not an image' }]);
    assert.deepEqual(await opened.pair(syntheticPair(3, 3).id), syntheticPair(3, 3));
    await outcome.saved.release();
    await outcome.saved.release(); // twice is harmless
    await assert.rejects(opened.pair(syntheticPair(3, 3).id));
  });

  it('refuses a store whose data files were cut short, naming the file', async () => {
    await writeSyntheticStore(folder, 20);
    const pairsFile = readdirSync(join(folder, '.radalign')).find((f) => f.endsWith('.pairs.jsonl'))!;
    truncateSync(join(folder, '.radalign', pairsFile), 100);
    const outcome = await readSavedResults(folder);
    assert.equal(outcome.status, 'refused');
    assert.match(
      outcome.status === 'refused' ? outcome.problem : '',
      new RegExp(`${pairsFile.replace(/\./g, '\\.')}: 100 bytes, but its writer wrote \\d+`),
    );
  });

  it('refuses a file that is not results (hand-edited, truncated), naming the file', async () => {
    write('{"pairs": [');
    const truncated = await readSavedResults(folder);
    assert.equal(truncated.status, 'refused');
    assert.match(truncated.status === 'refused' ? truncated.problem : '', /results\.json: not valid JSON/);
    write('{"pairs": 3}');
    const shape = await readSavedResults(folder);
    assert.match(
      shape.status === 'refused' ? shape.problem : '',
      /results\.json: format: missing, so the file was written by an older radalign/,
    );
  });

  it('refuses a tampered field with the field path, and a file from before the format field', async () => {
    const bad = good();
    (bad.pairs[0]!.sentences[1] as { section: string }).section = '[x](command:radalign.flagPair)';
    write(JSON.stringify(bad));
    const outcome = await readSavedResults(folder);
    assert.deepEqual(outcome, {
      status: 'refused',
      folder,
      resultsFile: resultsFileFor(folder),
      problem: `${resultsFileFor(folder)}: pairs[0].sentences[1].section: expected "findings" | "impression" | "indication" | "history" | "comparison" | "technique" | "presentation" | "imaging-notes" | "discussion" | "recommendation" | "body", got "[x](command:radalign.flagPair)"`,
    });
    const { format: _format, ...old } = good();
    write(JSON.stringify(old));
    const older = await readSavedResults(folder);
    assert.match(
      older.status === 'refused' ? older.problem : '',
      /format: missing, so the file was written by an older radalign .*score again/,
    );
  });

  it('refuses results.json or .radalign planted as a symlink, and does not read through it', async () => {
    const elsewhere = join(base, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(good()));
    mkdirSync(join(folder, '.radalign'));
    symlinkSync(elsewhere, resultsFileFor(folder));
    const fileLink = await readSavedResults(folder);
    assert.equal(fileLink.status, 'refused');
    assert.match(fileLink.status === 'refused' ? fileLink.problem : '', /results\.json: is a symbolic link/);

    rmSync(join(folder, '.radalign'), { recursive: true });
    mkdirSync(join(base, 'planted'));
    writeFileSync(join(base, 'planted', 'results.json'), JSON.stringify(good()));
    symlinkSync(join(base, 'planted'), join(folder, '.radalign'));
    const dirLink = await readSavedResults(folder);
    assert.equal(dirLink.status, 'refused');
    assert.match(dirLink.status === 'refused' ? dirLink.problem : '', /\.radalign: is a symbolic link/);
  });
});
