import assert from 'node:assert/strict';
import { join } from 'node:path';
import { displayPath, skippedFile } from '../../../src/extension/views/skipped-items';

describe('views: skipped files list', () => {
  it('reveals the manifest table for a skipped manifest row, the file itself otherwise', () => {
    const exists = (p: string) => !p.includes('#');
    assert.equal(skippedFile('/d/table.csv#row 3', exists), '/d/table.csv');
    assert.equal(skippedFile('/d/a.png', exists), '/d/a.png');
    assert.equal(
      skippedFile('/d/odd#name.png', () => true),
      '/d/odd#name.png',
      'a real file with # in its name',
    );
  });

  it('shows paths relative to the dataset folder when inside it', () => {
    assert.equal(displayPath('/d', join('/d', 'sub', 'a.png')), join('sub', 'a.png'));
    assert.equal(displayPath('/d', '/elsewhere/a.png'), '/elsewhere/a.png');
  });
});
