// Discovery over a folder that mixes every layout where it happens to lie: a MIMIC-CXR tree two
// levels down, a manifest in a subfolder (paths relative to it), an R2Gen annotation.json in
// another, loose stem pairs, study folders, MIMIC's metadata tables and orphans. Every good pair
// is found once, every other image or report file is listed in `skipped` with a reason, and a
// file two layouts claim is paired once, by the layout that comes first.
import assert from 'node:assert/strict';
import type { Dirent } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { discover } from '../../../src/engine/dataset';
import type { Discovery, LayoutName } from '../../../src/engine/types';

const IMAGE_OR_REPORT = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.dcm', '.txt', '.md']);

describe('dataset discovery: layouts mixed in one tree', () => {
  let tmp: string;
  let root: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-mixed-'));
    root = join(tmp, 'ds');
    await buildMixedDataset(root);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  const rel = (path: string) => relative(root, path).split(sep).join('/');
  const summary = (d: Discovery) =>
    d.pairs.map((p) => [
      p.id,
      p.layout,
      p.images.map(rel).join(' + '),
      p.report.kind === 'file' ? rel(p.report.path) : 'inline',
    ]);
  const reasonsFor = (d: Discovery, file: string) => d.skipped.filter((s) => rel(s.path) === file).map((s) => s.reason);

  it('finds every good pair once, whatever layout it is in and wherever it lies', async () => {
    const d = await discover(root);
    assert.deepEqual(summary(d), [
      ['CXR1', 'r2gen', 'iu-xray/images/CXR1/0.png + iu-xray/images/CXR1/1.png', 'inline'],
      ['CXR2', 'r2gen', 'iu-xray/images/CXR2/0.png', 'inline'],
      ['K1', 'manifest', 'kaggle/scans/k1.png', 'inline'],
      ['K2', 'manifest', 'kaggle/meta/local/k2.png', 'kaggle/meta/k2-report.txt'],
      ['K3', 'manifest', 'case3.png', 'inline'],
      ['K4', 'manifest', 'mimic-cxr-jpg/files/p11/p11000011/s52000000/x.jpg', 'inline'],
      ['case1', 'stem', 'case1.png', 'case1.txt'],
      ['cases/case2', 'stem', 'cases/case2.jpg', 'cases/case2.md'],
      [
        'p10000032/s50414267',
        'mimic',
        'mimic-cxr-jpg/files/p10/p10000032/s50414267/a.jpg + mimic-cxr-jpg/files/p10/p10000032/s50414267/b.jpg',
        'mimic-cxr-jpg/files/p10/p10000032/s50414267.txt',
      ],
      ['studies/st1', 'study-folder', 'studies/st1/frontal.png + studies/st1/lateral.png', 'studies/st1/report.txt'],
      ['studies/st2', 'study-folder', 'studies/st2/view.png', 'studies/st2/findings.md'],
    ] satisfies Array<[string, LayoutName, string, string]>);
  });

  it('lists every image and report file that ends in no pair, each with a reason, and no paired file', async () => {
    const d = await discover(root);
    const paired = new Set(d.pairs.flatMap((p) => [...p.images, ...(p.report.kind === 'file' ? [p.report.path] : [])]));
    const files = await imageAndReportFiles(root);
    const once = new Map<string, number>();
    for (const p of d.pairs) for (const img of p.images) once.set(img, (once.get(img) ?? 0) + 1);
    for (const [img, n] of once) assert.equal(n, 1, `${rel(img)} is in ${n} pairs`);
    const unaccounted: string[] = [];
    for (const file of files) {
      const reasons = reasonsFor(d, rel(file));
      if (paired.has(file)) assert.deepEqual(reasons, [], `${rel(file)} is paired and also skipped`);
      else if (reasons.length === 0) unaccounted.push(rel(file));
      for (const reason of reasons) assert.ok(reason.length > 10, `${rel(file)}: "${reason}"`);
    }
    assert.deepEqual(unaccounted, [], 'every image or report file is paired or listed in skipped');
    console.log(
      `      ${files.length} image/report files: ${paired.size} paired in ${d.pairs.length} pairs, ${d.skipped.length} skipped entries`,
    );
  });

  it('gives the reasons a person needs: precedence, tables left alone, orphans', async () => {
    const d = await discover(root);
    const only = (file: string, reason: RegExp) => {
      const found = reasonsFor(d, file);
      assert.equal(found.length, 1, `${file}: ${JSON.stringify(found)}`);
      assert.match(found[0], reason);
    };
    // case3.png is named by a manifest row and is also a stem pair with case3.txt: the row wins.
    only(
      'case3.txt',
      /^not paired as a stem pair: case3\.png is already paired by kaggle\/meta\/list\.csv#row 3 \(a manifest row takes precedence over a stem pair\)$/,
    );
    // A MIMIC study whose image a manifest row names loses as a whole; its report says why.
    only(
      'mimic-cxr-jpg/files/p11/p11000011/s52000000.txt',
      /^not paired as a MIMIC-CXR study: .*s52000000\/x\.jpg is already paired by kaggle\/meta\/list\.csv#row 4 \(a manifest row takes precedence over a MIMIC-CXR study\)$/,
    );
    only('mimic-cxr-jpg/files/p11/p11000011/s52000000/y.jpg', /^not paired as a MIMIC-CXR study/);
    for (const table of ['metadata', 'chexpert', 'split']) {
      only(
        `mimic-cxr-jpg/mimic-cxr-2.0.0-${table}.csv`,
        new RegExp(`^not a manifest: MIMIC-CXR ${table} table \\(left alone\\)$`),
      );
    }
    only('labels.csv', /^not a manifest: no image column .* \(left alone\)$/);
    only(
      'kaggle/meta/stats.json',
      /^not a manifest: JSON manifest must be an array of rows or an object holding arrays of rows \(left alone\)$/,
    );
    only('orphans/images/lonely.png', /^no report found for image/);
    only('orphans/reports/notes.txt', /^no image found for report/);
    only('studies/st3/a.png', /^no report found for image/);
    only(
      'mimic-cxr-jpg/files/p10/p10000032/s50000099.txt',
      /^no image found for report \(expected images in folder s50000099\/\)$/,
    );
    only('iu-xray/images/CXR9/0.png', /^no report found for image/);
    only(
      'iu-xray/annotation.json#test row 1',
      /^image "CXR3\/0\.png" not found \(looked for iu-xray\/CXR3\/0\.png, CXR3\/0\.png, iu-xray\/images\/CXR3\/0\.png, images\/CXR3\/0\.png/,
    );
    // Paperwork and hidden folders are not dataset files.
    assert.deepEqual(reasonsFor(d, 'README.txt'), []);
    assert.ok(!d.skipped.some((s) => rel(s.path).startsWith('.radalign')));
  });

  it('--layout forces one layout: only its pairs, every other file listed saying which layout was forced', async () => {
    const cases: Array<[LayoutName, string[]]> = [
      ['mimic', ['p10000032/s50414267', 'p11000011/s52000000']],
      ['manifest', ['K1', 'K2', 'K3', 'K4']],
      ['r2gen', ['CXR1', 'CXR2']],
      ['study-folder', ['cases', 'studies/st1', 'studies/st2']], // forced: cases/ is read as one study
    ];
    for (const [layout, ids] of cases) {
      const d = await discover(root, { layout });
      assert.deepEqual(
        d.pairs.map((p) => p.id),
        ids,
        layout,
      );
      assert.ok(d.pairs.every((p) => p.layout === layout));
      const paired = new Set(
        d.pairs.flatMap((p) => [...p.images, ...(p.report.kind === 'file' ? [p.report.path] : [])]),
      );
      for (const file of await imageAndReportFiles(root)) {
        if (!paired.has(file)) assert.ok(reasonsFor(d, rel(file)).length > 0, `${layout}: ${rel(file)} is listed`);
      }
      if (layout === 'mimic' || layout === 'r2gen') {
        const notPaired = new RegExp(`^not paired: only layout ${layout} is used \\(--layout ${layout}\\)`);
        assert.ok(
          reasonsFor(d, 'case1.png').some((r) => notPaired.test(r)),
          JSON.stringify(reasonsFor(d, 'case1.png')),
        );
      }
      if (layout !== 'manifest')
        assert.deepEqual(reasonsFor(d, 'kaggle/meta/list.csv'), [
          `not read as a manifest: only layout ${layout} is used (--layout ${layout})`,
        ]);
    }
    // Forced stem reads every folder by the stem rule: the study folders' images find no report.
    const stem = await discover(root, { layout: 'stem' });
    assert.deepEqual(
      stem.pairs.map((p) => p.id),
      ['case1', 'case3', 'cases/case2'],
    );
  });

  it('is deterministic', async () => {
    assert.deepEqual(await discover(root), await discover(root));
  });
});

/** Image and report files below `dir` as a person would count them: not hidden, not paperwork. */
async function imageAndReportFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.') || /^readme/i.test(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await imageAndReportFiles(path)));
    else if (IMAGE_OR_REPORT.has(extname(e.name).toLowerCase())) out.push(path);
  }
  return out.sort();
}

async function buildMixedDataset(root: string): Promise<void> {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } })
    .png()
    .toBuffer();
  const jpg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();
  const put = async (rel: string, data: string | Buffer) => {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  };
  const image = (rel: string) => put(rel, extname(rel) === '.jpg' ? jpg : png);

  // Loose stem pairs, one of whose images a manifest also names (case3).
  await image('case1.png');
  await put('case1.txt', 'Stem pair at the top.');
  await image('cases/case2.jpg');
  await put('cases/case2.md', 'Stem pair in a subfolder.');
  await image('case3.png');
  await put('case3.txt', 'Stem report that loses to the manifest row.');
  await put('README.txt', 'About this dataset: paperwork, not a report.');
  await put('labels.csv', 'id,label\n1,normal\n');
  await image('.radalign/cache/x.png');

  // Study folders: two good, one without a report.
  await image('studies/st1/frontal.png');
  await image('studies/st1/lateral.png');
  await put('studies/st1/report.txt', 'Two views.');
  await image('studies/st2/view.png');
  await put('studies/st2/findings.md', "The folder's only report.");
  await image('studies/st3/a.png');

  // MIMIC-CXR two levels down, with its metadata tables beside files/.
  const mimic = 'mimic-cxr-jpg/files';
  await put(`${mimic}/p10/p10000032/s50414267.txt`, 'FINDINGS: clear.');
  await image(`${mimic}/p10/p10000032/s50414267/a.jpg`);
  await image(`${mimic}/p10/p10000032/s50414267/b.jpg`);
  await put(`${mimic}/p10/p10000032/s50000099.txt`, 'A study report without images.');
  await put(`${mimic}/p11/p11000011/s52000000.txt`, 'A study a manifest row takes an image of.');
  await image(`${mimic}/p11/p11000011/s52000000/x.jpg`);
  await image(`${mimic}/p11/p11000011/s52000000/y.jpg`);
  await put(
    'mimic-cxr-jpg/mimic-cxr-2.0.0-metadata.csv',
    'dicom_id,subject_id,study_id,ViewPosition\nabc,10000032,50414267,PA\n',
  );
  await put('mimic-cxr-jpg/mimic-cxr-2.0.0-chexpert.csv', 'subject_id,study_id,Atelectasis\n10000032,50414267,1.0\n');
  await put(
    'mimic-cxr-jpg/mimic-cxr-2.0.0-split.csv',
    'dicom_id,study_id,subject_id,split\nabc,50414267,10000032,train\n',
  );

  // A manifest in a subfolder: its paths are relative to its own folder.
  await image('kaggle/scans/k1.png');
  await image('kaggle/meta/local/k2.png');
  await put('kaggle/meta/k2-report.txt', 'Report file beside the manifest.');
  await put(
    'kaggle/meta/list.csv',
    [
      'id,image,report',
      'K1,../scans/k1.png,Inline report one.',
      'K2,local/k2.png,k2-report.txt',
      'K3,../../case3.png,The manifest wins case3.',
      `K4,../../${mimic}/p11/p11000011/s52000000/x.jpg,The manifest takes a MIMIC image.`,
    ].join('\n') + '\n',
  );
  await put('kaggle/meta/stats.json', '42\n');

  // R2Gen's annotation.json in another subfolder, images under images/ beside it.
  await image('iu-xray/images/CXR1/0.png');
  await image('iu-xray/images/CXR1/1.png');
  await image('iu-xray/images/CXR2/0.png');
  await image('iu-xray/images/CXR9/0.png'); // in no row
  const annotation = {
    train: [{ id: 'CXR1', report: 'Heart normal.', image_path: ['CXR1/0.png', 'CXR1/1.png'], split: 'train' }],
    val: [{ id: 'CXR2', report: 'Clear lungs.', image_path: ['CXR2/0.png'], split: 'val' }],
    test: [{ id: 'CXR3', report: 'Missing image.', image_path: ['CXR3/0.png'], split: 'test' }],
  };
  await put('iu-xray/annotation.json', JSON.stringify(annotation));

  // Orphans.
  // Orphans, in folders of their own (an image and a report of different names in one folder are a study folder).
  await image('orphans/images/lonely.png');
  await put('orphans/reports/notes.txt', 'A report without an image.');
}
