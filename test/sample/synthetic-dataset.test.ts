import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseReport } from '../../src/engine/report';
import { renderCase, writeSyntheticDataset, type SyntheticCase } from '../../src/sample/synthetic-dataset';

async function grey(buf: Buffer): Promise<Buffer> {
  return (await sharp(buf).greyscale().raw().toBuffer({ resolveWithObject: true })).data;
}

describe('sample dataset generator', function () {
  this.timeout(60_000);
  let dir: string;
  let a: string;
  let b: string;
  let cases: SyntheticCase[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-sample-'));
    a = join(dir, 'a');
    b = join(dir, 'b');
    cases = await writeSyntheticDataset(a, { pairs: 40, seed: 5, size: 128 });
    await writeSyntheticDataset(b, { pairs: 40, seed: 5, size: 128 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is deterministic for a seed (images, reports, masks, truth)', async () => {
    const files = readdirSync(a).filter((f) => !f.startsWith('.'));
    assert.equal(files.length, 80);
    for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
    assert.equal(readFileSync(join(a, '.truth.json'), 'utf8'), readFileSync(join(b, '.truth.json'), 'utf8'));
    for (const c of cases) assert.ok(readFileSync(join(a, c.mask)).equals(readFileSync(join(b, c.mask))), c.mask);
    const other = await writeSyntheticDataset(join(dir, 'c'), { pairs: 40, seed: 6, size: 128 });
    assert.notDeepEqual(
      other.map((c) => [c.finding, c.side]),
      cases.map((c) => [c.finding, c.side]),
    );
  });

  it('keeps masks out of the dataset files: only images and reports at the top, masks under .truth/', () => {
    assert.ok(
      readdirSync(a)
        .filter((f) => !f.startsWith('.'))
        .every((f) => /^case\d{4}\.(png|txt)$/.test(f)),
    );
    for (const c of cases) {
      assert.ok(c.mask.startsWith('.truth/'));
      assert.ok(existsSync(join(a, c.mask)));
    }
  });

  it('draws each finding where its mask is: the mask region is brighter than in the same case drawn without it', async () => {
    let checked = 0;
    for (const c of cases) {
      const mask = await grey(readFileSync(join(a, c.mask)));
      const area = mask.reduce((n, v) => n + (v > 127 ? 1 : 0), 0);
      if (c.finding === 'none') {
        assert.equal(area, 0, c.id);
        continue;
      }
      assert.ok(area > 20, `${c.id} mask area ${area}`);
      const withF = await grey(readFileSync(join(a, `${c.id}.png`)));
      const without = await grey((await renderCase(c, 128, { withFinding: false })).png);
      let inW = 0;
      let inO = 0;
      let outDiff = 0;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] > 127) {
          inW += withF[i];
          inO += without[i];
        } else outDiff += Math.abs(withF[i] - without[i]);
      }
      assert.ok(inW / area > inO / area + 15, `${c.id} ${c.finding}: ${inW / area} vs ${inO / area}`);
      // the finding is on the recorded side: patient's right = image left half
      let cx = 0;
      for (let i = 0; i < mask.length; i++) if (mask[i] > 127) cx += i % 128;
      assert.equal(cx / area < 64 ? 'right' : 'left', c.side, c.id);
      assert.ok(outDiff / (mask.length - area) < 3, `${c.id}: little change outside the mask`);
      checked++;
    }
    assert.ok(checked >= 20);
  });

  it('records each kind of mismatch in .truth.json and plants it in the report', () => {
    const truth = JSON.parse(readFileSync(join(a, '.truth.json'), 'utf8')) as SyntheticCase[];
    assert.ok(Array.isArray(truth));
    const kinds = new Set(truth.map((c) => c.mismatch).filter(Boolean));
    assert.deepEqual([...kinds].sort(), ['flipped-sentence', 'foreign-sentence', 'swapped-report']);
    for (const c of truth) {
      const text = readFileSync(join(a, `${c.id}.txt`), 'utf8');
      if (c.mismatch === 'swapped-report') {
        assert.notEqual(c.reportOf, c.id);
        assert.equal(truth.find((d) => d.id === c.reportOf)!.reportOf, c.id);
      } else assert.equal(c.reportOf, c.id);
      if (c.mismatch === 'foreign-sentence') {
        assert.ok(text.includes(c.foreignSentence!.text), c.id);
        const from = truth.find((d) => d.id === c.foreignSentence!.from)!;
        assert.ok(from.finding !== c.finding || from.side !== c.side);
      }
      if (c.mismatch === 'flipped-sentence') {
        assert.ok(text.includes(c.flippedSentence!.text) && !text.includes(c.flippedSentence!.original), c.id);
        assert.notEqual(c.flippedSentence!.text, c.flippedSentence!.original);
      }
      if (!c.mismatch && c.findingSentence) assert.ok(text.includes(c.findingSentence), c.id);
    }
  });

  it('writes reports that parse into sections and sentences with the engine parser', () => {
    for (const c of cases) {
      const text = readFileSync(join(a, `${c.id}.txt`), 'utf8');
      const parsed = parseReport(text);
      const names = parsed.sections.map((s) => s.name);
      assert.ok(
        names.includes('findings') && names.includes('impression') && names.includes('indication'),
        `${c.id}: ${names}`,
      );
      const findings = parsed.sentences.filter((s) => s.section === 'findings');
      assert.ok(findings.length >= 3, c.id);
      if (c.mismatch === 'foreign-sentence') assert.ok(findings.some((s) => s.text === c.foreignSentence!.text));
      if (c.mismatch === 'flipped-sentence') assert.ok(findings.some((s) => s.text === c.flippedSentence!.text));
      const neg = parsed.sentences.find((s) => /^No pleural effusion|^No pneumothorax|^No focal/.test(s.text));
      assert.ok(neg && neg.negated, `${c.id}: negatives are marked negated`);
    }
  });

  it('draws devices and describes them in the report', () => {
    const withDevices = cases.filter((c) => c.devices.length > 0 && !c.mismatch);
    assert.ok(withDevices.length >= 5);
    for (const c of withDevices) {
      const text = readFileSync(join(a, `${c.id}.txt`), 'utf8');
      if (c.devices.includes('et-tube')) assert.match(text, /endotracheal tube/i);
      if (c.devices.includes('central-line')) assert.match(text, /jugular/i);
      if (c.devices.includes('pacemaker')) assert.match(text, /pacemaker/i);
    }
  });

  it('renders fast enough (well under a second per image) and works at tiny sizes', async () => {
    const t0 = Date.now();
    const few = await writeSyntheticDataset(join(dir, 'speed'), { pairs: 20, seed: 2, size: 256 });
    const per = (Date.now() - t0) / few.length;
    assert.ok(per < 200, `${per} ms per pair`);
    await writeSyntheticDataset(join(dir, 'tiny'), { pairs: 3, swapped: 0, seed: 1, size: 48, layout: 'study-folder' });
    assert.ok(existsSync(join(dir, 'tiny', 'case0001', 'frontal.png')));
  });
});
