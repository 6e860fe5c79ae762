// The dataset folder is a trust boundary: nothing outside it may be read because of what it
// contains (a manifest row, a symlinked file or folder, a symlinked manifest or MIMIC tree).
// These tests build real trees with real symlinks and fail if any part of the path gate
// (paths.ts isWithin/checkFile, the manifest gate, the MIMIC gate) is weakened.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { discover } from '../../../src/engine/dataset';
import { isWithin } from '../../../src/engine/dataset/paths';
import type { Discovery, Skipped } from '../../../src/engine/types';

/** Text that only ever lives outside the dataset: it must never reach a pair. */
const SECRET = 'OUTSIDE-SECRET';

describe('dataset path gate: isWithin', () => {
  const base = resolve('/data');
  const ds = join(base, 'ds');

  it('refuses a sibling folder whose name starts with the folder name', () => {
    assert.equal(isWithin(ds, join(base, 'ds-evil', 'x.png')), false);
    assert.equal(isWithin(ds, join(base, 'ds-evil')), false);
    assert.equal(isWithin(ds, join(base, 'dsx')), false);
  });

  it('refuses .. escapes and parents', () => {
    assert.equal(isWithin(ds, join(ds, '..', 'other', 'x.png')), false);
    assert.equal(isWithin(ds, `${ds}/a/../../x.png`), false);
    assert.equal(isWithin(ds, base), false);
    assert.equal(isWithin(ds, resolve('/')), false);
  });

  it('accepts the folder itself and paths below it (even names that start with ..)', () => {
    assert.equal(isWithin(ds, ds), true);
    assert.equal(isWithin(ds, `${ds}/`), true);
    assert.equal(isWithin(ds, join(ds, 'a.png')), true);
    assert.equal(isWithin(ds, join(ds, 'sub', 'deeper', 'a.png')), true);
    assert.equal(isWithin(ds, join(ds, '..foo', 'a.png')), true);
  });
});

// `<tmp>/ds` is the dataset; everything else under `<tmp>` is "outside".
describe('dataset path gate: discover()', () => {
  let tmp: string;
  let root: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-gate-'));
    root = join(tmp, 'ds');
    await mkdir(root);
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  /** A tiny real image at an absolute path (PNG, or JPEG for .jpg). */
  async function image(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const base = sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } });
    await (path.endsWith('.jpg') ? base.jpeg() : base.png()).toFile(path);
  }

  async function text(path: string, content: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }

  /** A symlink at `path` (parents created) pointing to `target`. */
  async function link(target: string, path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await symlink(target, path);
  }

  const ids = (d: Discovery) => d.pairs.map((p) => p.id);

  /** No pair names a file outside the dataset or carries text from one. */
  function nothingFromOutside(d: Discovery): void {
    for (const pair of d.pairs) {
      for (const path of pair.images) assert.ok(isWithin(root, path), `image outside the dataset: ${path}`);
      if (pair.report.kind === 'file')
        assert.ok(isWithin(root, pair.report.path), `report outside: ${pair.report.path}`);
      else assert.ok(!pair.report.text.includes(SECRET), `outside text in ${pair.id}`);
    }
  }

  function skipsFor(d: Discovery, path: string): Skipped[] {
    return d.skipped.filter((s) => s.path === path || s.path.startsWith(`${path}#`));
  }

  function assertSkipped(d: Discovery, path: string, reason: RegExp): void {
    const found = skipsFor(d, path);
    assert.ok(
      found.some((s) => reason.test(s.reason)),
      `expected a skip for ${path} matching ${reason}, got ${JSON.stringify(d.skipped, null, 1)}`,
    );
  }

  describe('manifest rows', () => {
    it('refuses a sibling folder that shares the root name as a prefix (relative and absolute)', async () => {
      const evil = join(tmp, 'ds-evil');
      await image(join(evil, 'x.png'));
      await text(join(evil, 'r.txt'), SECRET);
      await image(join(root, 'ok.png'));
      const csv = [
        'id,image,report',
        'ok,ok.png,fine',
        'rel,../ds-evil/x.png,escape',
        `abs,${join(evil, 'x.png')},escape`,
        'rep,ok.png,../ds-evil/r.txt',
      ];
      await text(join(root, 'm.csv'), csv.join('\n'));
      const d = await discover(root);
      assert.deepEqual(ids(d), ['ok']);
      const manifest = join(root, 'm.csv');
      assertSkipped(d, manifest, /image "\.\.\/ds-evil\/x\.png" points outside the dataset folder/);
      assertSkipped(d, manifest, /image ".*ds-evil\/x\.png" is an absolute path outside the dataset folder/);
      assertSkipped(d, manifest, /report "\.\.\/ds-evil\/r\.txt" points outside the dataset folder/);
      nothingFromOutside(d);
    });

    it('refuses a file reached through a symlinked folder that points outside', async () => {
      const outside = join(tmp, 'outside');
      await image(join(outside, 'a.png'));
      await text(join(outside, 'r.txt'), SECRET);
      await link(outside, join(root, 'sub'));
      await image(join(root, 'ok.png'));
      await image(join(root, 'real', 'b.png'));
      await link(join(root, 'real'), join(root, 'alias')); // a link that stays inside: allowed
      const csv = [
        'id,image,report',
        'ok,ok.png,fine',
        'rel,sub/a.png,escape',
        `abs,${join(root, 'sub', 'a.png')},escape`,
        'rep,ok.png,sub/r.txt',
        'inside,alias/b.png,fine too',
      ];
      await text(join(root, 'm.csv'), csv.join('\n'));
      const d = await discover(root, { layout: 'manifest' });
      assert.deepEqual(ids(d), ['inside', 'ok']);
      const manifest = join(root, 'm.csv');
      assertSkipped(
        d,
        manifest,
        /image "sub\/a\.png" is a symlink pointing outside the dataset folder \(to .*outside\/a\.png\)/,
      );
      assertSkipped(d, manifest, /image ".*ds\/sub\/a\.png" is a symlink pointing outside the dataset folder/);
      assertSkipped(d, manifest, /report "sub\/r\.txt" is a symlink pointing outside the dataset folder/);
      nothingFromOutside(d);
    });
  });

  describe('manifest files found in the folder', () => {
    /** An R2Gen annotation whose one row names an image inside the dataset, with outside text. */
    function annotation(report: string): string {
      return JSON.stringify({ train: [{ id: 'A1', report, image_path: ['a.png'], split: 'train' }], test: [] });
    }

    for (const layout of ['auto', 'r2gen'] as const) {
      it(`an annotation.json symlinked to outside is not read (${layout})`, async () => {
        await image(join(root, 'images', 'a.png'));
        await text(join(tmp, 'evil', 'annotation.json'), annotation(SECRET));
        await link(join(tmp, 'evil', 'annotation.json'), join(root, 'annotation.json'));
        const d = await discover(root, { layout });
        assert.deepEqual(d.pairs, []);
        const skips = skipsFor(d, join(root, 'annotation.json'));
        assert.equal(skips.length, 1, JSON.stringify(d.skipped, null, 1));
        assert.match(skips[0].reason, /symlink points outside the dataset folder \(to .*evil\/annotation\.json\)/);
      });
    }

    it('an annotation.json symlinked to a file inside the folder is read', async () => {
      await image(join(root, 'images', 'a.png'));
      await text(join(root, 'meta', 'annotation.json'), annotation('Clear lungs.'));
      await link(join(root, 'meta', 'annotation.json'), join(root, 'annotation.json'));
      const d = await discover(root);
      assert.deepEqual(ids(d), ['A1']);
      assert.equal(d.pairs[0].layout, 'r2gen');
    });

    it('a top-level manifest symlinked to outside is not read; one linked inside is read once', async () => {
      await image(join(root, 'a.png'));
      await text(join(tmp, 'evil.csv'), `id,image,report\nE1,a.png,${SECRET}\n`);
      await link(join(tmp, 'evil.csv'), join(root, 'list.csv'));
      await text(join(root, 'v2.csv'), 'id,image,report\nV1,a.png,fine\n');
      await link(join(root, 'v2.csv'), join(root, 'latest.csv'));
      const d = await discover(root);
      assert.deepEqual(ids(d), ['V1'], 'v2.csv once, not again through latest.csv');
      assertSkipped(d, join(root, 'list.csv'), /symlink points outside the dataset folder \(to .*evil\.csv\)/);
      assertSkipped(d, join(root, 'latest.csv'), /v2\.csv/);
      nothingFromOutside(d);
    });

    it('a manifest named in options that lies in the folder but links outside is not read', async () => {
      await image(join(root, 'a.png'));
      await text(join(tmp, 'evil.csv'), `id,image,report\nE1,a.png,${SECRET}\n`);
      await link(join(tmp, 'evil.csv'), join(root, 'list.csv'));
      const d = await discover(root, { manifest: 'list.csv' });
      assert.deepEqual(d.pairs, []);
      assertSkipped(d, join(root, 'list.csv'), /symlink pointing outside the dataset folder \(to .*evil\.csv\)/);
    });
  });

  describe('MIMIC-CXR tree', () => {
    /** One study (report + one image) at `<filesDir>/pNN/<patient>/<study>`. */
    async function study(
      filesDir: string,
      patient: string,
      studyId: string,
      report = 'FINDINGS: clear.',
    ): Promise<void> {
      const patientDir = join(filesDir, patient.slice(0, 3), patient);
      await text(join(patientDir, `${studyId}.txt`), report);
      await image(join(patientDir, studyId, 'view.jpg'));
    }

    for (const layout of ['auto', 'mimic'] as const) {
      it(`a files/ folder symlinked to an outside MIMIC tree is not followed (${layout})`, async () => {
        const evil = join(tmp, 'evil-mimic', 'files');
        await study(evil, 'p10000032', 's50414267', SECRET);
        await link(evil, join(root, 'files'));
        const d = await discover(root, { layout });
        assert.deepEqual(d.pairs, []);
        assertSkipped(d, join(root, 'files'), /symlink points outside the dataset folder \(to .*evil-mimic\/files\)/);
      });
    }

    it('a files/ folder symlinked inside the dataset is followed', async () => {
      await study(join(root, 'mimic-cxr-jpg', 'files'), 'p10000032', 's50414267');
      await link(join(root, 'mimic-cxr-jpg', 'files'), join(root, 'files'));
      const d = await discover(root, { layout: 'mimic' });
      assert.deepEqual(ids(d), ['p10000032/s50414267']);
      nothingFromOutside(d);
    });

    it('group, patient and study folders and report files that link outside are not followed or read', async () => {
      const files = join(root, 'files');
      const out = join(tmp, 'out');
      await study(files, 'p10000032', 's50000001'); // the one genuine study
      // group p11 → an outside group
      await study(join(out, 'g'), 'p11000011', 's51000001', SECRET);
      await link(join(out, 'g', 'p11'), join(files, 'p11'));
      // patient p10000099 → an outside patient folder
      await study(join(out, 'pt'), 'p10000099', 's52000001', SECRET);
      await link(join(out, 'pt', 'p10', 'p10000099'), join(files, 'p10', 'p10000099'));
      // study s53000001: report inside, image folder → outside
      const patientDir = join(files, 'p10', 'p10000032');
      await text(join(patientDir, 's53000001.txt'), 'inside report');
      await image(join(out, 'st', 's53000001', 'view.jpg'));
      await link(join(out, 'st', 's53000001'), join(patientDir, 's53000001'));
      // study s54000001: images inside, report.txt → outside
      await image(join(patientDir, 's54000001', 'view.jpg'));
      await text(join(out, 'secret.txt'), SECRET);
      await link(join(out, 'secret.txt'), join(patientDir, 's54000001.txt'));

      const d = await discover(root);
      assert.deepEqual(ids(d), ['p10000032/s50000001']);
      nothingFromOutside(d);
      const outside = /symlink points outside the dataset folder \(to .*out\//;
      assertSkipped(d, join(files, 'p11'), outside);
      assertSkipped(d, join(files, 'p10', 'p10000099'), outside);
      assertSkipped(d, join(patientDir, 's53000001'), outside);
      assertSkipped(d, join(patientDir, 's54000001.txt'), outside);
      assert.deepEqual(await discover(root, { layout: 'mimic' }), d);
    });

    it('links whose real path stays inside the dataset are followed (fixed depth: no cycles)', async () => {
      const files = join(root, 'files');
      await study(files, 'p10000032', 's50000001');
      const archive = join(root, 'archive');
      await study(archive, 'p10000040', 's55000001');
      await link(join(archive, 'p10', 'p10000040'), join(files, 'p10', 'p10000040')); // patient folder
      await text(join(archive, 'r56.txt'), 'linked report');
      await image(join(files, 'p10', 'p10000032', 's56000001', 'view.jpg'));
      await link(join(archive, 'r56.txt'), join(files, 'p10', 'p10000032', 's56000001.txt')); // report file
      await link(files, join(files, 'p10', 'p10000032', 's57000001')); // a loop back up: read once, at study depth
      const d = await discover(root, { layout: 'mimic' });
      assert.deepEqual(ids(d), ['p10000032/s50000001', 'p10000032/s56000001', 'p10000040/s55000001']);
      nothingFromOutside(d);
    });
  });
});
