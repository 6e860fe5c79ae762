import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { discover, reportText } from '../../../src/engine/dataset';
import type { Discovery, Pair, Skipped } from '../../../src/engine/types';
import { buildDicom, TransferSyntaxes } from '../../helpers/dicom-writer';
import { requireShared } from '../../helpers/shared-data';

// Every dataset is built as real files in a fresh temp folder: `<tmp>/ds` is the dataset root,
// `<tmp>` itself holds the "outside" files that manifests must not reach.
describe('dataset discovery', () => {
  let tmp: string;
  let root: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-dataset-'));
    root = join(tmp, 'ds');
    await mkdir(root);
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  /** Writes a real, decodable image whose format matches the extension. */
  async function image(rel: string): Promise<void> {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    const ext = extname(rel).toLowerCase();
    if (ext === '.dcm') {
      await writeFile(
        path,
        buildDicom({
          transferSyntax: TransferSyntaxes.explicitLittle,
          rows: 4,
          columns: 4,
          bitsAllocated: 8,
          pixels: new Uint8Array(16),
        }),
      );
      return;
    }
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } });
    await (ext === '.jpg' || ext === '.jpeg' ? base.jpeg() : base.png()).toFile(path);
  }

  async function text(rel: string, content: string | Buffer): Promise<void> {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }

  const r = (path: string) => relative(root, path).split(sep).join('/');

  /** Pairs in a form easy to compare: paths relative to the root, inline reports as their text. */
  function summary(d: Discovery) {
    return d.pairs.map((p: Pair) => ({
      id: p.id,
      images: p.images.map(r),
      report: p.report.kind === 'file' ? r(p.report.path) : `inline:${p.report.text}`,
      layout: p.layout,
      ...(p.split ? { split: p.split } : {}),
    }));
  }

  function skippedFor(d: Discovery, pathEnd: string): Skipped[] {
    return d.skipped.filter((s) => s.path.endsWith(pathEnd));
  }

  function onlySkip(d: Discovery, pathEnd: string, reason: RegExp): void {
    const found = skippedFor(d, pathEnd);
    assert.equal(found.length, 1, `expected one skip for ${pathEnd}, got ${JSON.stringify(d.skipped, null, 1)}`);
    assert.match(found[0].reason, reason);
  }

  describe('stem layout', () => {
    beforeEach(async () => {
      await image('case1.png');
      await text('case1.txt', 'Normal.');
      await image('sub/case2.jpg');
      await text('sub/case2.md', 'Effusion.');
      await image('case3.png');
      await image('case3.dcm');
      await text('case3.txt', 'Two images, one stem.');
      await image('case1_lateral.png'); // suffix conventions are not guessed
      await text('lonely.txt', 'No image.');
      await text('README.md', '# not a report');
    });

    for (const layout of ['stem', 'auto'] as const) {
      it(`pairs exact stems, skips orphans (${layout})`, async () => {
        const d = await discover(root, { layout });
        assert.equal(d.root, root);
        assert.deepEqual(summary(d), [
          { id: 'case1', images: ['case1.png'], report: 'case1.txt', layout: 'stem' },
          { id: 'case3', images: ['case3.dcm', 'case3.png'], report: 'case3.txt', layout: 'stem' },
          { id: 'sub/case2', images: ['sub/case2.jpg'], report: 'sub/case2.md', layout: 'stem' },
        ]);
        onlySkip(d, 'case1_lateral.png', /^no report found for image/);
        onlySkip(d, 'lonely.txt', /^no image found for report/);
        assert.equal(d.skipped.length, 2, 'README.md is paperwork, not an orphan report');
      });
    }

    it('skips an image whose stem has two reports', async () => {
      await text('case1.md', 'A second report for case1.');
      const d = await discover(root, { layout: 'stem' });
      assert.ok(!d.pairs.some((p) => p.id === 'case1'));
      onlySkip(d, 'case1.png', /several reports share the stem "case1" \(case1\.md, case1\.txt\)/);
    });
  });

  describe('study-folder layout', () => {
    beforeEach(async () => {
      await image('s1/frontal.png');
      await image('s1/lateral.png');
      await text('s1/report.txt', 'Two views.');
      await text('s1/notes.md', 'Not the report.');
      await image('s2/img.jpg');
      await text('s2/findings.txt', 'Only report in the folder.');
      await image('s3/a.png');
      await text('s3/a1.txt', 'candidate 1');
      await text('s3/b.txt', 'candidate 2');
      await text('s5/report.txt', 'A report without images.');
    });

    it('pairs each folder with report.txt or its only report', async () => {
      await image('s4/x.png');
      const d = await discover(root, { layout: 'study-folder' });
      assert.deepEqual(summary(d), [
        { id: 's1', images: ['s1/frontal.png', 's1/lateral.png'], report: 's1/report.txt', layout: 'study-folder' },
        { id: 's2', images: ['s2/img.jpg'], report: 's2/findings.txt', layout: 'study-folder' },
      ]);
      onlySkip(d, 's1/notes.md', /not used: report\.txt is this study folder's report/);
      // Every file of a folder that ends in no pair is listed by itself, with the folder's reason.
      for (const file of ['s3/a.png', 's3/a1.txt', 's3/b.txt'])
        onlySkip(d, file, /several candidate reports \(a1\.txt, b\.txt\) and none named report\.txt/);
      onlySkip(d, 's4/x.png', /^no report found for image: study folder s4 has 1 image/);
      onlySkip(d, 's5/report.txt', /^no image found for report/);
      assert.equal(d.skipped.length, 6);
    });

    it('auto-detects the same study folders', async () => {
      const d = await discover(root);
      assert.deepEqual(
        summary(d).map((p) => [p.id, p.layout]),
        [
          ['s1', 'study-folder'],
          ['s2', 'study-folder'],
        ],
      );
      onlySkip(d, 's3/a.png', /several candidate reports/);
    });

    it('skips a folder that has both report.txt and report.md', async () => {
      await text('s1/report.md', 'Which one?');
      const d = await discover(root, { layout: 'study-folder' });
      assert.ok(!d.pairs.some((p) => p.id === 's1'));
      onlySkip(d, 's1/frontal.png', /both report\.md and report\.txt/);
    });

    it('treats a dataset folder that is itself one study as a study named after it', async () => {
      const single = join(tmp, 'study-42');
      await mkdir(single);
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
        .png()
        .toFile(join(single, 'pa.png'));
      await writeFile(join(single, 'report.txt'), 'x');
      const d = await discover(single);
      assert.deepEqual(
        d.pairs.map((p) => [p.id, p.layout]),
        [['study-42', 'study-folder']],
      );
    });
  });

  it('auto handles a tree mixing study folders and stem pairs', async () => {
    await image('studies/s1/img.png');
    await text('studies/s1/report.txt', 'study');
    await image('cases/c1.png');
    await text('cases/c1.txt', 'stem');
    await image('cases/c2.png');
    await text('cases/c2.txt', 'stem');
    const d = await discover(root);
    assert.deepEqual(
      summary(d).map((p) => [p.id, p.layout]),
      [
        ['cases/c1', 'stem'],
        ['cases/c2', 'stem'],
        ['studies/s1', 'study-folder'],
      ],
    );
    assert.deepEqual(d.skipped, []);
  });

  it('ignores hidden folders and node_modules', async () => {
    await image('case1.png');
    await text('case1.txt', 'x');
    await image('.radalign/cache/case9.png');
    await text('.radalign/cache/case9.txt', 'x');
    await image('.git/x.png');
    await image('node_modules/pkg/y.png');
    await text('.hidden.txt', 'x');
    const d = await discover(root);
    assert.deepEqual(
      d.pairs.map((p) => p.id),
      ['case1'],
    );
    assert.deepEqual(d.skipped, []);
  });

  it('skips a symlink in the tree that points outside the folder', async () => {
    await writeFile(join(tmp, 'outside.png'), 'not ours');
    await symlink(join(tmp, 'outside.png'), join(root, 'case1.png'));
    await text('case1.txt', 'x');
    await image('case2.png');
    await text('case2.txt', 'x');
    const d = await discover(root);
    assert.deepEqual(
      d.pairs.map((p) => p.id),
      ['case2'],
    );
    onlySkip(d, 'case1.png', /symlink points outside the dataset folder/);
    onlySkip(d, 'case1.txt', /^no image found for report/);
  });

  describe('r2gen layout', () => {
    it('reads annotation.json with splits and several images per study', async () => {
      await image('images/CXR1_IM-0001/0.png');
      await image('images/CXR1_IM-0001/1.png');
      await image('images/CXR2_IM-0002/0.png');
      await image('CXR3/0.png'); // relative to the annotation file's folder
      const annotation = {
        train: [
          {
            id: 'CXR1_IM-0001',
            report: 'The heart is normal. No effusion.',
            image_path: ['CXR1_IM-0001/0.png', 'CXR1_IM-0001/1.png'],
            split: 'train',
          },
        ],
        val: [{ id: 'CXR2_IM-0002', report: 'Clear lungs.', image_path: ['CXR2_IM-0002/0.png'], split: 'val' }],
        test: [
          { id: 'CXR3', report: 'Cardiomegaly.', image_path: ['CXR3/0.png'], split: 'test' },
          { id: 'CXR4', report: 'Missing.', image_path: ['CXR4/0.png'], split: 'test' },
        ],
      };
      await text('annotation.json', JSON.stringify(annotation));
      const d = await discover(root);
      assert.deepEqual(summary(d), [
        {
          id: 'CXR1_IM-0001',
          images: ['images/CXR1_IM-0001/0.png', 'images/CXR1_IM-0001/1.png'],
          report: 'inline:The heart is normal. No effusion.',
          layout: 'r2gen',
          split: 'train',
        },
        {
          id: 'CXR2_IM-0002',
          images: ['images/CXR2_IM-0002/0.png'],
          report: 'inline:Clear lungs.',
          layout: 'r2gen',
          split: 'val',
        },
        { id: 'CXR3', images: ['CXR3/0.png'], report: 'inline:Cardiomegaly.', layout: 'r2gen', split: 'test' },
      ]);
      onlySkip(
        d,
        'annotation.json#test row 2',
        /image "CXR4\/0\.png" not found \(looked for CXR4\/0\.png, images\/CXR4\/0\.png/,
      );
      assert.equal((d.pairs[0].report as { origin: string }).origin, `${join(root, 'annotation.json')}#train row 1`);
      assert.deepEqual(await discover(root, { layout: 'r2gen' }), d);
    });

    it('reports a malformed annotation.json and goes on with the tree', async () => {
      await text('annotation.json', '{\n  "train": [\n    {"id": "a",, }\n  ]\n}');
      await image('case1.png');
      await text('case1.txt', 'x');
      const d = await discover(root);
      assert.deepEqual(
        d.pairs.map((p) => [p.id, p.layout]),
        [['case1', 'stem']],
      );
      onlySkip(d, 'annotation.json', /bad JSON at line 3, column 16: property name expected/);
    });
  });

  it('mimic layout: files/pNN/pNNNNNNNN/sNNNNNNNN.txt beside image folders (.jpg and .dcm)', async () => {
    await text('files/p10/p10000032/s50414267.txt', 'FINDINGS: clear.');
    await image('files/p10/p10000032/s50414267/02aa804e.jpg');
    await image('files/p10/p10000032/s50414267/174413ec.jpg');
    await text('files/p11/p11000011/s52000000.txt', 'IMPRESSION: effusion.');
    await image('files/p11/p11000011/s52000000/1.dcm');
    await text('files/p11/p11000011/s53000000.txt', 'no images folder');
    await image('files/p11/p11000011/s54000000/2.dcm');
    await text('mimic-cxr-2.0.0-metadata.csv', 'dicom_id,subject_id,study_id\n1,2,3\n');
    const d = await discover(root);
    assert.deepEqual(summary(d), [
      {
        id: 'p10000032/s50414267',
        images: ['files/p10/p10000032/s50414267/02aa804e.jpg', 'files/p10/p10000032/s50414267/174413ec.jpg'],
        report: 'files/p10/p10000032/s50414267.txt',
        layout: 'mimic',
      },
      {
        id: 'p11000011/s52000000',
        images: ['files/p11/p11000011/s52000000/1.dcm'],
        report: 'files/p11/p11000011/s52000000.txt',
        layout: 'mimic',
      },
    ]);
    onlySkip(d, 's53000000.txt', /^no image found for report/);
    onlySkip(d, 's54000000/2.dcm', /^no report found for image/);
    onlySkip(d, 'mimic-cxr-2.0.0-metadata.csv', /^not a manifest: MIMIC-CXR metadata table \(left alone\)$/);
    assert.equal(d.skipped.length, 3);
    assert.deepEqual(await discover(root, { layout: 'mimic' }), d);
  });

  describe('manifest layout', () => {
    it('CSV: ;-separated images and inline reports with commas, quotes and newlines', async () => {
      await image('img/a.png');
      await image('img/b.png');
      await image('img/c.jpg');
      const report1 = 'FINDINGS: Heart size normal, lungs "clear".\r\nIMPRESSION: No acute disease, see "prior".';
      const csv = `study_id,image_paths,report_text\r\nS1,img/a.png; img/b.png,"${report1.replace(/"/g, '""')}"\r\nS2,img/c.jpg,Small effusion.\r\n`;
      await text('manifest.csv', csv);
      const d = await discover(root);
      assert.deepEqual(summary(d), [
        { id: 'S1', images: ['img/a.png', 'img/b.png'], report: `inline:${report1}`, layout: 'manifest' },
        { id: 'S2', images: ['img/c.jpg'], report: 'inline:Small effusion.', layout: 'manifest' },
      ]);
      assert.equal(await reportText(d.pairs[0].report), report1);
      assert.deepEqual(d.skipped, []);
    });

    it('JSONL: report as a path, as inline text, and a bad line reported by number', async () => {
      await image('x/1.png');
      await image('x/2.png');
      await image('x/3.png');
      await image('x/4.png');
      await text('reports/r1.txt', 'Report one.');
      await text('reports/r2.md', 'Report two.');
      const lines = [
        JSON.stringify({ id: 'r1', image: 'x/1.png', report_path: 'reports/r1.txt' }),
        JSON.stringify({ id: 'r2', image: 'x/2.png', report: 'reports/r2.md' }),
        JSON.stringify({ id: 'r3', image: 'x/3.png', report: 'Normal chest. See reports.txt for more.' }),
        '{"id": "r4", "image": "x/4.png", "report": }',
        JSON.stringify({ id: 'r5', image: 'x/1.png', report: 'reports/missing.txt' }),
      ];
      await text('pairs.jsonl', lines.join('\n') + '\n');
      const d = await discover(root);
      assert.deepEqual(summary(d), [
        { id: 'r1', images: ['x/1.png'], report: 'reports/r1.txt', layout: 'manifest' },
        { id: 'r2', images: ['x/2.png'], report: 'reports/r2.md', layout: 'manifest' },
        { id: 'r3', images: ['x/3.png'], report: 'inline:Normal chest. See reports.txt for more.', layout: 'manifest' },
      ]);
      onlySkip(d, 'pairs.jsonl#row 4', /bad JSON at line 4, column 44: value expected/);
      onlySkip(d, 'pairs.jsonl#row 5', /report "reports\/missing\.txt" not found/);
      assert.equal(await reportText(d.pairs[1].report), 'Report two.');
    });

    it('JSON array: liberal column names, findings + impression composed, ids from images when absent', async () => {
      await image('a.png');
      await image('scans/b.png');
      const rows = [
        { UID: 'u1', Filename: 'a.png', Findings: 'Clear lungs.', Impression: 'Normal.' },
        { filename: './scans/b.png', findings: 'Effusion.' },
      ];
      await text('list.json', JSON.stringify(rows, null, 2));
      const d = await discover(root);
      assert.deepEqual(summary(d), [
        { id: 'scans/b', images: ['scans/b.png'], report: 'inline:FINDINGS: Effusion.', layout: 'manifest' },
        {
          id: 'u1',
          images: ['a.png'],
          report: 'inline:FINDINGS: Clear lungs.\n\nIMPRESSION: Normal.',
          layout: 'manifest',
        },
      ]);
    });

    it('refuses paths outside the folder: .., absolute, and symlinks pointing out', async () => {
      await writeFile(join(tmp, 'outside.png'), 'secret');
      await image('ok.png');
      await image('sub/inner.png');
      await symlink(join(tmp, 'outside.png'), join(root, 'link.png'));
      await symlink(join(root, 'sub/inner.png'), join(root, 'inner-link.png')); // inside: allowed
      const outsideAbs = join(tmp, 'outside.png');
      const csv = [
        'id,image,report',
        'ok,ok.png,fine',
        'dotdot,../outside.png,escape',
        `abs,${outsideAbs},escape`,
        'etc,/etc/passwd,escape',
        'link,link.png,escape',
        'innerlink,inner-link.png,fine too',
        `absinside,${join(root, 'sub/inner.png')},fine as well`,
      ].join('\n');
      await text('m.csv', csv);
      const d = await discover(root);
      assert.deepEqual(
        d.pairs.map((p) => p.id),
        ['absinside', 'innerlink', 'ok'],
      );
      onlySkip(d, 'm.csv#row 2', /image "\.\.\/outside\.png" points outside the dataset folder/);
      onlySkip(d, 'm.csv#row 3', /is an absolute path outside the dataset folder/);
      onlySkip(d, 'm.csv#row 4', /image "\/etc\/passwd" is an absolute path outside the dataset folder/);
      onlySkip(d, 'm.csv#row 5', /image "link\.png" is a symlink pointing outside the dataset folder/);
      onlySkip(d, `${sep}link.png`, /^symlink points outside the dataset folder/); // met by the walk too
      assert.equal(d.skipped.length, 5);
      assert.equal(await readFile(join(tmp, 'outside.png'), 'utf8'), 'secret');
    });

    it('a missing image is skipped naming manifest, row and path; the other images of the row stay', async () => {
      await image('a.png');
      await image('b.png');
      await text(
        'm.csv',
        'id,images,report\nA,a.png|gone.png,two images one missing\nB,nowhere.png,none found\nC,b.png,\n',
      );
      const d = await discover(root);
      assert.deepEqual(summary(d), [
        { id: 'A', images: ['a.png'], report: 'inline:two images one missing', layout: 'manifest' },
      ]);
      onlySkip(d, 'm.csv#row 1', /image "gone\.png" not found/);
      onlySkip(d, 'm.csv#row 2', /image "nowhere\.png" not found/);
      onlySkip(d, 'm.csv#row 3', /empty report/);
      assert.ok(skippedFor(d, 'm.csv#row 1')[0].path.startsWith(join(root, 'm.csv')));
    });

    it('a malformed JSON manifest is skipped with the file named; the tree is still read', async () => {
      await text('pairs.json', '[\n  {"image": "a.png", "report": "x"},\n  {"image": "b.png" "report": "y"}\n]\n');
      await image('case1.png');
      await text('case1.txt', 'x');
      const d = await discover(root);
      assert.deepEqual(
        d.pairs.map((p) => p.id),
        ['case1'],
      );
      onlySkip(d, `${sep}pairs.json`, /bad JSON at line 3, column 21: comma expected/);
    });

    it('a CSV without an image column is not taken for a manifest', async () => {
      await text('labels.csv', 'id,report\n1,x\n');
      await image('case1.png');
      await text('case1.txt', 'x');
      const d = await discover(root);
      assert.deepEqual(
        d.pairs.map((p) => p.id),
        ['case1'],
      );
      onlySkip(d, 'labels.csv', /no image column/);
      const explicit = await discover(root, { manifest: 'labels.csv' });
      assert.deepEqual(explicit.pairs, []);
      onlySkip(explicit, 'labels.csv', /malformed manifest: no image column/);
    });

    it('uses the manifest named in options, relative to the folder', async () => {
      await image('images/a.png');
      await text('meta/list.csv', 'id,filename,report\nA,a.png,text\n');
      await text('other.csv', 'id,image,report\nB,images/a.png,other\n');
      const d = await discover(root, { manifest: 'meta/list.csv' });
      assert.deepEqual(summary(d), [{ id: 'A', images: ['images/a.png'], report: 'inline:text', layout: 'manifest' }]);
      const missing = await discover(root, { manifest: 'nope.csv' });
      onlySkip(missing, 'nope.csv', /manifest file not found/);
    });

    it('a TSV manifest outside the folder may be given; its images must still be inside', async () => {
      await image('images/a.png');
      await writeFile(join(tmp, 'list.tsv'), 'id\timage\treport\nA\ta.png\tTab, separated.\nB\t../list.tsv\tescape\n');
      const d = await discover(root, { manifest: join(tmp, 'list.tsv') });
      assert.deepEqual(summary(d), [
        { id: 'A', images: ['images/a.png'], report: 'inline:Tab, separated.', layout: 'manifest' },
      ]);
      onlySkip(d, 'list.tsv#row 2', /points outside the dataset folder/);
    });

    it('duplicate ids are made unique deterministically', async () => {
      await image('a.png');
      await image('b.png');
      await text('m.csv', 'id,image,report\nX,b.png,second\nX,a.png,first\n');
      const d = await discover(root);
      assert.deepEqual(
        summary(d).map((p) => [p.id, p.images[0]]),
        [
          ['X', 'a.png'],
          ['X~2', 'b.png'],
        ],
      );
    });
  });

  it('is deterministic: two runs over the same tree are equal', async () => {
    for (let i = 0; i < 30; i++) {
      await image(`cases/c${i}.png`);
      await text(`cases/c${i}.txt`, `report ${i}`);
      await image(`studies/s${i}/view.png`);
      await text(`studies/s${i}/report.txt`, `study ${i}`);
    }
    await image('cases/orphan.png');
    const first = await discover(root);
    const second = await discover(root);
    assert.deepEqual(second, first);
    assert.equal(first.pairs.length, 60);
    const ids = first.pairs.map((p) => p.id);
    assert.deepEqual(ids, [...ids].sort());
  });

  it('throws a clear error when the folder does not exist', async () => {
    await assert.rejects(discover(join(tmp, 'nope')), /dataset folder not found: .*nope/);
  });

  describe('reportText', () => {
    it('strips a UTF-8 BOM and keeps CRLF and everything else byte-exact', async () => {
      await text(
        'r.txt',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('FINDINGS: ok.\r\n\r\nIMPRESSION: é  \n', 'utf8')]),
      );
      assert.equal(
        await reportText({ kind: 'file', path: join(root, 'r.txt') }),
        'FINDINGS: ok.\r\n\r\nIMPRESSION: é  \n',
      );
    });

    it('returns inline text as given', async () => {
      assert.equal(await reportText({ kind: 'inline', text: ' a\r\nb ', origin: 'm.csv#row 1' }), ' a\r\nb ');
    });

    it('names the file when it is missing or not UTF-8', async () => {
      await text('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
      await assert.rejects(
        reportText({ kind: 'file', path: join(root, 'latin1.txt') }),
        /latin1\.txt is not valid UTF-8/,
      );
      await assert.rejects(
        reportText({ kind: 'file', path: join(root, 'gone.txt') }),
        /cannot read report .*gone\.txt \(ENOENT\)/,
      );
    });
  });
});

describe('dataset discovery on shared covid-cxr (read-only)', () => {
  it('finds every metadata.csv row directly as a manifest pair', async function () {
    const folder = requireShared(this, 'data/covid-cxr');
    const rows = parse(await readFile(join(folder, 'metadata.csv')), { columns: true, bom: true }) as Array<
      Record<string, string>
    >;
    const d = await discover(folder);
    // Discovery reads the whole folder: the bounding-box JSON is a table but no manifest, and the
    // schema notes are a .md file with no image; nothing else is left unpaired.
    assert.deepEqual(
      d.skipped.map((s) => [relative(folder, s.path).split(sep).join('/'), s.reason.replace(/:.*/, '')]),
      [
        [
          'SOURCE_SCHEMA.md',
          'no image found for report (expected an image named SOURCE_SCHEMA.png, .jpg, .dcm, ... beside it)',
        ],
        ['annotations/imageannotation_ai_lung_bounding_boxes.json', 'not a manifest'],
      ],
    );
    assert.equal(d.pairs.length, rows.length);
    assert.ok(d.pairs.every((p) => p.layout === 'manifest' && p.images.length === 1 && p.report.kind === 'inline'));
    // `filename` is relative to images/ (the `folder` column); ids come from it since there is no id column.
    const first = rows[0];
    const stem = first.filename.slice(0, -extname(first.filename).length);
    const pair = d.pairs.find((p) => p.id === stem);
    assert.ok(pair, `no pair with id ${stem}`);
    assert.deepEqual(pair.images, [join(folder, 'images', first.filename)]);
    assert.equal(await reportText(pair.report), first.clinical_notes);
  });
});
