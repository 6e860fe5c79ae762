// The results contract (src/engine/results-schema.ts): a real run on the committed tiny model
// round-trips through JSON and parseResults unchanged, a document of the previous version
// (radalign-results/1) is read with today's names, and a tampered or unknown results file is
// rejected with a message naming the file and the field.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreDataset, type ScoreResults } from '../../src/engine';
import { parseResults } from '../../src/engine/read-results';
import { relativePathProblem, RESULTS_FORMAT } from '../../src/engine/results-schema';
import { RESULTS_FORMAT_V1 } from '../../src/engine/results-v1';
import { isManifestOrigin } from '../../src/engine/report-origin';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';

const FILE = '/data/set/.radalign/results.json';

describe('results schema (results.json contract)', function () {
  let dir: string;
  let scored: ScoreResults;
  /** The run as written to disk: what JSON keeps of it. */
  let json: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-results-schema-'));
    await writeSyntheticDataset(join(dir, 'data'), { pairs: 6, swapped: 1, seed: 5, size: 64 });
    scored = await scoreDataset(join(dir, 'data'), { modelDir: tinyClipDir, cacheDir: null });
    json = JSON.stringify(scored, null, 1);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The real run with one change made to its JSON, parsed back. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests change arbitrary places of the results
  function tampered(change: (r: any) => void): string {
    const r = JSON.parse(json);
    change(r);
    const parsed = parseResults(JSON.stringify(r), FILE);
    assert.ok(!parsed.ok, 'the tampered file is rejected');
    return parsed.problem;
  }

  it('a run carries the format, and its JSON round-trips through parseResults unchanged', () => {
    assert.equal(scored.format, RESULTS_FORMAT);
    assert.ok(scored.pairs.length > 0 && scored.pairs[0]!.sentences[0]!.heatmap, 'the fixture model gives heatmaps');
    const parsed = parseResults(json, FILE);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
    assert.deepEqual(parsed.results, JSON.parse(json));
  });

  it('rejects a section that is not a section name, naming the field', () => {
    const problem = tampered((r) => (r.pairs[1].sentences[2].section = '<img src=x onerror=alert(1)>'));
    assert.ok(
      problem.startsWith(`${FILE}: pairs[1].sentences[2].section: expected "findings" | "impression"`),
      problem,
    );
  });

  it('rejects a heatmap kind other than patch or occlusion', () => {
    const problem = tampered((r) => (r.pairs[0].sentences[1].heatmap.kind = '[x](command:radalign.flagPair)'));
    assert.equal(
      problem,
      `${FILE}: pairs[0].sentences[1].heatmap.kind: expected "patch" | "occlusion", got "[x](command:radalign.flagPair)"`,
    );
  });

  it('rejects a file without format (an older radalign) or with another one', () => {
    assert.match(
      tampered((r) => delete r.format),
      new RegExp(
        `^${FILE.replace(/[.]/g, '\\.')}: format: missing, so the file was written by an older radalign .*score again`,
      ),
    );
    assert.match(
      tampered((r) => (r.format = 'radalign-results/2')),
      /format: "radalign-results\/2" is neither "radalign-results\/3" nor "radalign-results\/1", so another radalign version wrote it/,
    );
  });

  it('rejects a NaN cosine (null in JSON) and an infinite one', () => {
    assert.equal(
      tampered((r) => (r.pairs[2].cosine = NaN)),
      `${FILE}: pairs[2].cosine: expected a number, got null`,
    );
    const r = JSON.parse(json);
    r.pairs[0].sentences[0].imageCosine = 12345;
    const parsed = parseResults(JSON.stringify(r).replace('"imageCosine":12345', '"imageCosine":1e999'), FILE);
    assert.ok(!parsed.ok);
    assert.equal(parsed.problem, `${FILE}: pairs[0].sentences[0].imageCosine: expected a finite number, got Infinity`);
  });

  it('rejects image and report paths that leave the dataset folder', () => {
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = '../outside.png')),
      /pairs\[0\]\.images\[0\]: "\.\.\/outside\.png" has a "\.\." segment/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = 'a/../../outside.png')),
      /pairs\[0\]\.images\[0\]: .* has a "\.\." segment/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = '/etc/passwd')),
      /pairs\[0\]\.images\[0\]: "\/etc\/passwd" is absolute/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = 'C:\\Windows\\x.png')),
      /is absolute/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = '\\\\server\\share\\x.png')),
      /is absolute/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images[0] = '..\\outside.png')),
      /has a "\.\." segment/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].images = [])),
      /pairs\[0\]\.images: expected at least one image/,
    );
    assert.match(
      tampered((r) => (r.pairs[3].reportFile = '../../home/me/.ssh/id_rsa')),
      /pairs\[3\]\.reportFile: .* has a "\.\." segment/,
    );
    assert.match(
      tampered((r) => (r.pairs[3].reportFile = '/etc/passwd')),
      /pairs\[3\]\.reportFile: "\/etc\/passwd" is absolute/,
    );
  });

  it('accepts exactly the manifest origin labels the engine writes for inline reports', () => {
    for (const label of [
      'metadata.csv#row 12',
      'sub/table.jsonl#row 3',
      'annotation.json#train row 7',
      '../elsewhere/m.csv#row 2',
    ]) {
      assert.ok(isManifestOrigin(label), label);
      const r = JSON.parse(json);
      Object.assign(r.pairs[0], { reportFile: null, reportRow: label });
      assert.ok(parseResults(JSON.stringify(r), FILE).ok, label);
    }
    for (const bad of ['/abs/m.csv#row 2', 'm.csv#row 0', 'm.csv#rows', 'm.csv#row 2; rm -rf', 'C:\\m.csv#row 2']) {
      assert.ok(!isManifestOrigin(bad), bad);
      assert.match(
        tampered((r) => Object.assign(r.pairs[0], { reportFile: null, reportRow: bad })),
        /pairs\[0\]\.reportRow: .* is not a manifest row label such as "table\.csv#row 3"/,
        bad,
      );
    }
    assert.equal(relativePathProblem('studies/a/report.txt'), undefined);
  });

  it('a pair names exactly one of a report file and a manifest row; a file named like a row stays a file', () => {
    assert.match(
      tampered((r) => (r.pairs[1].reportRow = 'table.csv#row 3')),
      /pairs\[1\]\.reportFile: expected a reportFile or a reportRow, got both$/,
    );
    assert.match(
      tampered((r) => (r.pairs[1].reportFile = null)),
      /pairs\[1\]\.reportFile: expected a reportFile or a reportRow, got neither$/,
    );
    const r = JSON.parse(json);
    r.pairs[0].reportFile = 'case#row 1';
    const parsed = parseResults(JSON.stringify(r), FILE);
    assert.ok(parsed.ok && parsed.results.pairs[0].reportFile === 'case#row 1' && !parsed.results.pairs[0].reportRow);
  });

  /** The run as the previous version (radalign-results/1) wrote it: the names before issue 12. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old names are not a type any more
  function asV1(r: any): any {
    r.format = RESULTS_FORMAT_V1;
    for (const p of r.pairs) {
      p.report = p.reportFile ?? p.reportRow;
      p.score = p.cosine;
      for (const b of p.bestReports) {
        b.score = b.cosine;
        delete b.cosine;
      }
      for (const s of p.sentences) {
        [s.score, s.imageScore] = [s.evidence, s.imageCosine];
        delete s.evidence;
        delete s.imageCosine;
      }
      delete p.reportFile;
      delete p.reportRow;
      delete p.cosine;
    }
    return JSON.parse(JSON.stringify(r));
  }

  it("reads a radalign-results/1 document with today's names; its problems name the fields as it spells them", () => {
    const old = asV1(JSON.parse(json));
    assert.ok('imageScore' in old.pairs[0].sentences[0] && !('imageCosine' in old.pairs[0].sentences[0]));
    old.pairs[1].report = 'pairs.csv#row 2';
    const parsed = parseResults(JSON.stringify(old), FILE);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
    const expected = JSON.parse(json);
    Object.assign(expected.pairs[1], { reportFile: null, reportRow: 'pairs.csv#row 2' });
    assert.deepEqual(parsed.results, expected);

    const bad = asV1(JSON.parse(json));
    bad.pairs[2].sentences[1].imageScore = 'x';
    const problem = parseResults(JSON.stringify(bad), FILE);
    assert.ok(!problem.ok);
    assert.equal(problem.problem, `${FILE}: pairs[2].sentences[1].imageScore: expected a number, got "x"`);
    const escaping = asV1(JSON.parse(json));
    escaping.pairs[0].report = '../../etc/passwd';
    const refused = parseResults(JSON.stringify(escaping), FILE);
    assert.match(refused.ok ? '' : refused.problem, /pairs\[0\]\.report: .* has a "\.\." segment/);
  });

  it('rejects offsets outside the report text, heatmaps that do not fit, and repeated ids', () => {
    assert.match(
      tampered((r) => (r.pairs[0].sentences[0].end = r.pairs[0].reportText.length + 1)),
      /pairs\[0\]\.sentences\[0\]\.end: offset \d+ lies past the end of reportText/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].sentences[0].start = r.pairs[0].sentences[0].end + 1)),
      /pairs\[0\]\.sentences\[0\]\.end: expected end ≥ start/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].sentences[0].start = -1)),
      /pairs\[0\]\.sentences\[0\]\.start: expected 0 or more, got -1/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].sentences[0].heatmap.imageIndex = 1)),
      /pairs\[0\]\.sentences\[0\]\.heatmap\.imageIndex: image 1 does not exist \(the pair has 1\)/,
    );
    assert.match(
      tampered((r) => r.pairs[0].sentences[0].heatmap.values.pop()),
      /pairs\[0\]\.sentences\[0\]\.heatmap\.values: expected rows × cols = \d+ values, got \d+/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].sentences[0].heatmap.rows = 2.5)),
      /heatmap\.rows: expected a whole number, got 2\.5/,
    );
    assert.match(
      tampered((r) => (r.pairs[1].id = r.pairs[0].id)),
      /pairs\[1\]\.id: pair id ".*" appears twice/,
    );
    assert.match(
      tampered((r) => delete r.pairs[0].sentences[0].heatmap.kind),
      /pairs\[0\]\.sentences\[0\]\.heatmap\.kind: missing$/,
    );
    assert.match(
      tampered((r) => (r.pairs[0].suspicion = 7)),
      /pairs\[0\]\.suspicion: expected 0\.\.1, got 7/,
    );
    assert.match(
      tampered((r) => (r.pairs = {})),
      /: pairs: expected an array of pairs, got Object/,
    );
  });

  it('counts the further problems, and names the file for text that is not results at all', () => {
    assert.match(
      tampered((r) => {
        r.pairs[0].cosine = 'x';
        r.pairs[1].cosine = 'y';
      }),
      /pairs\[0\]\.cosine: expected a number, got "x" \(and 1 more problem\)$/,
    );
    const notJson = parseResults('{"pairs": [', FILE);
    assert.ok(!notJson.ok && notJson.problem.startsWith(`${FILE}: not valid JSON`), JSON.stringify(notJson));
    const notObject = parseResults('[1, 2]', FILE);
    assert.ok(!notObject.ok && notObject.problem === `${FILE}: not a radalign results file (expected a JSON object)`);
  });
});
