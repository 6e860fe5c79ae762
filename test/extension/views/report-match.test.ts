import assert from 'node:assert/strict';
import { join } from 'node:path';
import { manifestRowLabel } from '../../../src/engine/report-origin';
import { layoutReport, offsetMap, pathKey, ReportIndex, sentenceAt } from '../../../src/extension/views/report-match';
import { CountingResults, pair, saved } from '../../helpers/review-fixtures';

describe('views: report files and sentence ranges', () => {
  it('finds the pair of a report file, given relative to the dataset folder', () => {
    const folder = join('/data', 'set');
    const pairs = [
      pair('a', 1, 'A.', [], { reportFile: join('studies', 'a', 'report.txt') }),
      pair('b', 2, 'B.'),
      pair('m', 3, 'M.', [], { reportFile: null, reportRow: 'table.csv#row 3' }),
    ];
    const index = new ReportIndex(folder, pairs);
    assert.equal(index.pairIdFor('/data/set/studies/a/report.txt'), 'a');
    assert.equal(index.pairIdFor('/data/set/studies/a/../a/report.txt'), 'a');
    assert.equal(index.pairIdFor('/data/set/b.txt'), 'b');
    assert.equal(index.pairIdFor('/data/set/B.txt'), undefined, 'case matters off Windows');
    assert.equal(index.pairIdFor('/data/set/table.csv'), undefined, 'an inline manifest report has no file of its own');
    assert.equal(index.pairIdFor('/data/other/b.txt'), undefined);
  });

  it('matches report files only, whatever "#" a file name or a manifest row label holds', () => {
    const folder = join('/data', 'set');
    const row = (reportRow: string) => ({ reportFile: null, reportRow });
    const index = new ReportIndex(folder, [
      // Report files with a "#" in their path, one of them even shaped like a row label.
      pair('f', 1, 'F.', [], { reportFile: join('notes', 'case#1.txt') }),
      pair('g', 2, 'G.', [], { reportFile: join('ward#row 3', 'report.txt') }),
      pair('h', 6, 'H.', [], { reportFile: 'case#row 1' }),
      // Inline text: rows of manifests in a folder holding a "#", of a manifest named with one, in an R2Gen split.
      pair('m', 3, 'M.', [], row('export#2/table.csv#row 3')),
      pair('n', 4, 'N.', [], row('annotation#v2.json#train row 12')),
      pair('o', 5, 'O.', [], row('export#2/annotation.json#test row 1')),
    ]);
    assert.equal(index.pairIdFor('/data/set/notes/case#1.txt'), 'f');
    assert.equal(index.pairIdFor('/data/set/ward#row 3/report.txt'), 'g');
    assert.equal(index.pairIdFor('/data/set/case#row 1'), 'h', 'a report file named like a row label is a file');
    for (const label of [
      'export#2/table.csv#row 3',
      'annotation#v2.json#train row 12',
      'export#2/annotation.json#test row 1',
    ])
      assert.equal(index.pairIdFor(join(folder, label)), undefined, `${label} is a manifest row, no file`);
    assert.deepEqual(manifestRowLabel('export#2/annotation.json#test row 1'), {
      manifest: 'export#2/annotation.json',
      split: 'test',
      row: 1,
    });
    assert.equal(manifestRowLabel('ward#row 3/report.txt'), undefined);
    assert.equal(manifestRowLabel('/abs/table.csv#row 3'), undefined, 'the engine writes labels relative');
  });

  it("is built from the results' index entries, without reading a pair", () => {
    const counted = new CountingResults(
      saved([pair('a', 1, 'A.', [], { reportFile: join('studies', 'a.txt') }), pair('b', 2, 'B.')]),
    );
    const entries = counted.ids().map((id) => counted.entry(id)!);
    const index = new ReportIndex('/data/set', entries);
    assert.equal(index.pairIdFor('/data/set/studies/a.txt'), 'a');
    assert.equal(index.pairIdFor('/data/set/b.txt'), 'b');
    assert.deepEqual(counted.reads, []);
  });

  it('ignores case on Windows', () => {
    assert.equal(pathKey('/Data/Set/B.txt', 'win32'), pathKey('/data/set/b.txt', 'win32'));
    const index = new ReportIndex('/data/set', [pair('b', 1, 'B.')], 'win32');
    assert.equal(index.pairIdFor('/DATA/SET/B.TXT'), 'b');
  });

  it('uses the offsets as they are when the file is unchanged, CRLF included', () => {
    const text = 'Findings.\r\nSmall left effusion.\r\nHeart normal.\r\n';
    const p = pair('a', 1, text);
    const layout = layoutReport(p, text);
    assert.equal(layout.status, 'match');
    if (layout.status !== 'match') return;
    for (const s of layout.sentences) assert.equal(text.slice(s.start, s.end), s.sentence.text);
    assert.equal(sentenceAt(layout, text.indexOf('left'))?.sentence.text, 'Small left effusion.');
    assert.equal(sentenceAt(layout, text.indexOf('Heart') + 12)?.index, p.sentences.length - 1);
    assert.equal(sentenceAt(layout, text.indexOf('\r\nHeart') + 1), undefined, 'between sentences');
  });

  it('maps offsets when only the line breaks differ (an editor that normalised mixed endings)', () => {
    const scored = 'Line one.\r\nLine two.\nLine three.\rLine four.';
    const p = pair('a', 1, scored);
    for (const now of [scored.replace(/\r\n?/g, '\n'), scored.replace(/\r?\n|\r/g, '\r\n')]) {
      const layout = layoutReport(p, now);
      assert.equal(layout.status, 'match');
      if (layout.status !== 'match') continue;
      assert.deepEqual(
        layout.sentences.map((s) => now.slice(s.start, s.end)),
        ['Line one.', 'Line two.', 'Line three.', 'Line four.'],
      );
    }
    const map = offsetMap('a\r\nb', 'a\nb')!;
    assert.deepEqual([0, 1, 3, 4].map(map), [0, 1, 2, 3]);
  });

  it('says "changed" instead of drawing wrong ranges when the words changed', () => {
    const p = pair('a', 1, 'Small left effusion. Heart normal.');
    assert.deepEqual(layoutReport(p, 'Small right effusion. Heart normal.'), { status: 'changed' });
    assert.deepEqual(layoutReport(p, 'Small left effusion. Heart normal. '), { status: 'changed' });
    assert.equal(sentenceAt({ status: 'changed' }, 3), undefined);
  });
});
