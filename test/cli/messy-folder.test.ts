// A folder mixing every layout with a few hundred broken and unusual files, scored through the
// CLI as a user would: every good pair is scored once, every other image or report file is
// listed with a reason, nothing outside the folder is read, and the run ends (exit 0).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Dirent } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { ScoreResults } from '../../src/engine';
import { repoRoot, tinyClipDir } from '../helpers/fixture-models';
import { writeMessyDataset } from '../helpers/messy-dataset';

const cli = join(repoRoot, 'bin', 'radalign.js');
const DATASET_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.dcm', '.txt', '.md']);

/** Every image or report file in the tree as the user sees it (links listed, not followed). */
async function datasetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await datasetFiles(path)));
    else if (DATASET_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(path);
  }
  return out;
}

describe('a messy real-world folder (every layout, a few hundred broken files)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-messy-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('scores every good pair once, lists every other file with a reason, reads nothing outside, exits 0', async () => {
    const root = join(dir, 'data');
    const outside = join(dir, 'outside');
    const planted = await writeMessyDataset(root, outside);
    const out = join(dir, 'results.json');
    const started = Date.now();
    const r = spawnSync(process.execPath, [cli, 'score', root, '--model', tinyClipDir, '--out', out, '--no-cache'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-2000)}`);
    const results = JSON.parse(await readFile(out, 'utf8')) as ScoreResults;

    const markers = results.pairs.flatMap((p) => p.reportText.match(/GOOD-\d+/g) ?? []);
    assert.deepEqual([...new Set(markers)].sort(), [...planted.good].sort(), 'every good pair scored');
    assert.equal(markers.length, planted.good.size, 'each good pair scored once');
    assert.ok(!JSON.stringify(results.pairs).includes('OUTSIDE'), 'nothing from outside the folder was scored');
    for (const p of results.pairs)
      for (const img of p.images) assert.ok(resolve(root, img).startsWith(root + '/'), `${img} lies inside`);

    const used = new Set(
      results.pairs.flatMap((p) => [
        ...p.images.map((i) => resolve(root, i)),
        ...(p.reportFile ? [resolve(root, p.reportFile)] : []),
      ]),
    );
    const skippedPaths = new Set(results.skipped.map((s) => s.path));
    const unaccounted = (await datasetFiles(root)).filter((f) => !used.has(f) && !skippedPaths.has(f));
    assert.deepEqual(unaccounted, [], 'every image or report file is paired or listed in skipped');
    for (const s of results.skipped) assert.ok(s.reason.trim().length > 5, `${s.path} has a reason`);
    for (const table of ['mimic-cxr-2.0.0-metadata.csv', 'mimic-cxr-2.0.0-chexpert.csv', 'mimic-cxr-2.0.0-split.csv']) {
      assert.ok(
        results.skipped.some((s) => s.path.endsWith(table)),
        `${table} is noted as a table left alone`,
      );
    }
    console.log(
      `      ${results.pairs.length} pairs scored (${planted.good.size} planted), ${results.skipped.length} skipped entries for ${planted.broken} broken or unusual entries planted; ${seconds.toFixed(1)} s`,
    );
  });
});
