// Report cost stays linear in report length: a 5 MB report (~31,000 sentences) once made the
// ranking phase run for more than ten minutes, because sentence consistency compared every
// sentence with a rebuilt copy of the rest of its report. These tests pin the cost down by WORK
// (Map operations counted, growth from 1× to 8× the sentences, a budget that stops a quadratic
// run at once), not by wall time, and pin the values to the original definition. The big and
// the pathological reports run in a worker (report-cost.child.ts) ended at a generous deadline.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { parseReport } from '../../../src/engine/report';
import { inverseDocumentFrequency, sentenceConsistency, terms } from '../../../src/engine/scoring/consistency';
import { longReport } from '../../helpers/long-report';
import { countMapOps } from '../../helpers/map-ops';
import { referenceConsistency } from '../../helpers/reference-consistency';
import type { CostJob, CostResult } from './report-cost.child';

/** Generous: each job takes well under a second where cost is linear, and minutes to hours where it is quadratic. */
const DEADLINE_MS = 60_000;

/** Runs `job` in a worker; rejects if it fails or is still running at the deadline (then it is terminated). */
function inWorker(job: CostJob): Promise<CostResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'report-cost.child.js'), { workerData: job });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`did not finish within ${DEADLINE_MS / 1000} s: cost is no longer linear in report length`));
    }, DEADLINE_MS);
    worker.once('message', (m: { ok: true; result: CostResult } | { ok: false; error: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const sentencesOf = (text: string) => parseReport(text).sentences.map((s) => s.text);
const idfOf = (...reports: string[][]) => inverseDocumentFrequency(reports.map((r) => r.flatMap(terms)));

describe('report cost', () => {
  describe('sentence consistency equals the original definition', () => {
    const VOCAB = [
      'opacity',
      'effusion',
      'pleural',
      'right',
      'left',
      'lobe',
      'lower',
      'upper',
      'heart',
      'size',
      'normal',
      'tube',
      'carina',
      'pneumothorax',
      'nodule',
      'atelectasis',
      'edema',
      'unseen',
    ];
    const FILLER = ['the', 'is', 'a', 'no', 'and', 'of', '2.5', 'cm', 'with', '.', ','];
    const sentence = fc.array(fc.constantFrom(...VOCAB, ...FILLER), { maxLength: 12 }).map((w) => w.join(' '));
    // Some reports have one long sentence that carries most of the weight (the norm is then summed directly).
    const report = fc.oneof(
      fc.array(sentence, { maxLength: 25 }),
      fc
        .tuple(
          fc.array(sentence, { maxLength: 3 }),
          fc.array(fc.constantFrom(...VOCAB), { minLength: 40, maxLength: 200 }),
        )
        .map(([s, big]) => [...s, big.join(' ')]),
    );

    it('on random reports, within 1e-9 (nulls in the same places)', () => {
      fc.assert(
        fc.property(fc.array(report, { minLength: 1, maxLength: 4 }), (reports) => {
          // IDF over these reports, so some words weigh more than others; "unseen" words fall back to 1.
          const idf = idfOf(...reports.map((r) => r.filter((_, i) => i % 3 !== 2)));
          for (const r of reports) {
            const got = sentenceConsistency(r, idf);
            const want = referenceConsistency(r, idf);
            assert.equal(got.length, want.length);
            got.forEach((g, i) => {
              if (want[i] === null) assert.equal(g, null, `sentence ${i}`);
              else assert.ok(g !== null && Math.abs(g - want[i]!) <= 1e-9, `sentence ${i}: ${g} vs ${want[i]}`);
            });
          }
        }),
        { numRuns: 300, seed: 7 },
      );
    });

    it('when one sentence is nearly the whole report (the rest is tiny beside it), within 1e-9', () => {
      const idf = idfOf(['opacity', 'effusion'], ['nodule']);
      for (const sentences of [
        [`${'opacity '.repeat(300_000)}effusion.`, 'Effusion and nodule.'],
        [`${'opacity effusion '.repeat(100_000)}nodule.`, 'Nodule.', 'Opacity.'],
      ]) {
        const got = sentenceConsistency(sentences, idf);
        const want = referenceConsistency(sentences, idf);
        got.forEach((g, i) => assert.ok(Math.abs(g! - want[i]!) <= 1e-9, `sentence ${i}: ${g} vs ${want[i]}`));
      }
    });

    it('on synthetic radiology reports, within 1e-9', () => {
      for (const seed of [1, 2, 3]) {
        const sentences = sentencesOf(longReport(400, seed));
        const idf = idfOf(sentences, sentencesOf(longReport(50, seed + 10)));
        const got = sentenceConsistency(sentences, idf);
        const want = referenceConsistency(sentences, idf);
        got.forEach((g, i) =>
          assert.ok(g === want[i] || Math.abs(g! - want[i]!) <= 1e-9, `seed ${seed} sentence ${i}: ${g} vs ${want[i]}`),
        );
      }
    });
  });

  it('consistency work grows linearly: 8× the sentences, about 8× the Map operations', () => {
    const measure = (count: number) => {
      const sentences = sentencesOf(longReport(count, 5));
      const idf = idfOf(sentences);
      const words = sentences.reduce((n, s) => n + terms(s).length, 0);
      // The budget ends a quadratic version at once rather than after minutes.
      return { words, ...countMapOps(() => sentenceConsistency(sentences, idf), 40 * words) };
    };
    const small = measure(300);
    const large = measure(2400);
    const growth = large.ops / small.ops;
    console.log(
      `      Map operations: ${small.ops} for 300 sentences, ${large.ops} for 2,400 (×${growth.toFixed(2)}); ${(large.ops / large.words).toFixed(1)} per word`,
    );
    assert.equal(large.result.length, 2400);
    // Linear: ×8 (a little less, as fixed per-report work is shared). Quadratic would be ×64.
    assert.ok(growth < 10, `work grew ×${growth.toFixed(1)} for ×8 sentences: not linear`);
    assert.ok(large.ops < 20 * large.words, `${large.ops} Map operations for ${large.words} words`);
  });

  it('a 31,000-sentence report (~1.7 MB) parses and gets consistency: linear work, within the deadline', async function () {
    this.timeout(DEADLINE_MS + 10_000);
    const r = await inWorker({ kind: 'report', sentences: 31_000, seed: 9 });
    console.log(
      `      ${(r.bytes / 1e6).toFixed(1)} MB, ${r.sentences} sentences: parse ${r.parseMs.toFixed(0)} ms, ` +
        `consistency ${r.consistencyMs!.toFixed(0)} ms, ${(r.mapOps! / r.words!).toFixed(1)} Map operations per word`,
    );
    assert.equal(r.sentences, 31_000);
    assert.equal(r.badOffsets, 0);
    assert.equal(r.outOfRange, 0);
    assert.ok(r.nonNull! > 30_000);
  });

  describe('pathological text parses within the deadline (each was quadratic)', () => {
    const cases: Array<[string, string]> = [
      ['an abbreviation over and over in one sentence', 'Dr. Smith '.repeat(100_000)],
      ['an unclosed [** placeholder in every sentence', 'Seen [** on day. '.repeat(60_000)],
      ['unclosed [** placeholders in many sections', 'FINDINGS: Seen [** on day.\n'.repeat(40_000)],
      ['punctuation with no letter after it', ' ( . '.repeat(200_000)],
      ['a run-on sentence of negated clauses', 'no effusion but no edema but '.repeat(40_000)],
      ['a long whitespace run inside a sentence', `Lungs are${' '.repeat(1_000_000)}clear.`],
      ['a long whitespace run after "no."', `no.${' '.repeat(1_000_000)}x`],
      ['one line per sentence, no final newline', 'Opacity in the right lower lobe\n'.repeat(100_000)],
      ['numbered lists and blank lines', '1. Opacity.\n\n2) Effusion.\n- Edema.\n____\n'.repeat(30_000)],
    ];
    for (const [name, text] of cases) {
      it(name, async function () {
        this.timeout(DEADLINE_MS + 10_000);
        const r = await inWorker({ kind: 'parse', text });
        console.log(`      ${(r.bytes / 1e6).toFixed(1)} MB → ${r.sentences} sentences in ${r.parseMs.toFixed(0)} ms`);
        assert.equal(r.badOffsets, 0);
      });
    }
  });
});
