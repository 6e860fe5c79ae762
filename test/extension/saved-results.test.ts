import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readSavedResults, resultsFileFor } from '../../src/extension/saved-results';

describe('extension saved results', () => {
  const folder = mkdtempSync(join(tmpdir(), 'radalign-saved-'));
  const write = (text: string) => {
    mkdirSync(dirname(resultsFileFor(folder)), { recursive: true });
    writeFileSync(resultsFileFor(folder), text);
  };

  it('finds none in a folder never scored', async () => {
    assert.equal(await readSavedResults(join(folder, 'never')), undefined);
  });

  it('reads what a run saved', async () => {
    write(JSON.stringify({ model: {}, pairs: [{ id: 'a' }], skipped: [], run: {} }));
    const saved = await readSavedResults(folder);
    assert.equal(saved?.resultsFile, join(folder, '.radalign', 'results.json'));
    assert.equal(saved?.results.pairs.length, 1);
  });

  it('ignores a file that is not results (hand-edited, truncated)', async () => {
    write('{"pairs": [');
    assert.equal(await readSavedResults(folder), undefined);
    write('{"pairs": 3}');
    assert.equal(await readSavedResults(folder), undefined);
  });
});
