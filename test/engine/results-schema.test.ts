// The results contract (src/engine/results-schema.ts): a real run on the committed tiny model
// round-trips through JSON and parseResults unchanged, and a tampered or outdated results file is
// rejected with a message naming the file and the field.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreDataset, type ScoreResults } from '../../src/engine';
import { parseResults, relativePathProblem, RESULTS_FORMAT } from '../../src/engine/results-schema';
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
      /format: "radalign-results\/2" is not "radalign-results\/1", so another radalign version wrote it/,
    );
  });

  it('rejects a NaN score (null in JSON) and an infinite one', () => {
    assert.equal(
      tampered((r) => (r.pairs[2].score = NaN)),
      `${FILE}: pairs[2].score: expected a number, got null`,
    );
    const r = JSON.parse(json);
    r.pairs[0].sentences[0].imageScore = 12345;
    const parsed = parseResults(JSON.stringify(r).replace('"imageScore":12345', '"imageScore":1e999'), FILE);
    assert.ok(!parsed.ok);
    assert.equal(parsed.problem, `${FILE}: pairs[0].sentences[0].imageScore: expected a finite number, got Infinity`);
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
      tampered((r) => (r.pairs[3].report = '../../home/me/.ssh/id_rsa')),
      /pairs\[3\]\.report: .* has a "\.\." segment/,
    );
    assert.match(
      tampered((r) => (r.pairs[3].report = '/etc/passwd')),
      /pairs\[3\]\.report: "\/etc\/passwd" is absolute/,
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
      r.pairs[0].report = label;
      assert.ok(parseResults(JSON.stringify(r), FILE).ok, label);
    }
    for (const bad of ['/abs/m.csv#row 2', 'm.csv#row 0', 'm.csv#rows', 'm.csv#row 2; rm -rf', 'C:\\m.csv#row 2'])
      assert.ok(!isManifestOrigin(bad), bad);
    assert.equal(relativePathProblem('studies/a/report.txt'), undefined);
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
        r.pairs[0].score = 'x';
        r.pairs[1].score = 'y';
      }),
      /pairs\[0\]\.score: expected a number, got "x" \(and 1 more problem\)$/,
    );
    const notJson = parseResults('{"pairs": [', FILE);
    assert.ok(!notJson.ok && notJson.problem.startsWith(`${FILE}: not valid JSON`), JSON.stringify(notJson));
    const notObject = parseResults('[1, 2]', FILE);
    assert.ok(!notObject.ok && notObject.problem === `${FILE}: not a radalign results file (expected a JSON object)`);
  });
});
