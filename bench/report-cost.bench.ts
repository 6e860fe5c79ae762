// Benchmark: the cost of one long report, parsing (sections, sentences, cues) plus sentence
// consistency, at 1k to 100k sentences. Linear cost shows as a roughly constant time per
// sentence; a 5 MB report (~31,000 sentences) once ran for more than ten minutes here. Prints
// figures; asserts nothing. Run with `node out/bench/report-cost.bench.js [--no-reference]`;
// the old quadratic consistency is timed once at 10k sentences for comparison (about 2 minutes).
import { parseReport } from '../src/engine/report';
import { inverseDocumentFrequency, sentenceConsistency, terms } from '../src/engine/scoring/consistency';
import { longReport } from '../test/helpers/long-report';
import { referenceConsistency } from '../test/helpers/reference-consistency';

const SIZES = [1_000, 10_000, 30_000, 100_000];
const REFERENCE_AT = 10_000;

interface Row {
  sentences: number;
  megabytes: number;
  parseMs: number;
  consistencyMs: number;
}

/** The fastest of `reps` runs of `run`, in milliseconds (the least disturbed by GC and the JIT). */
function fastest(reps: number, run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function measure(count: number): Row {
  const text = longReport(count, count);
  const reps = Math.max(1, Math.round(30_000 / count));
  let sentences: string[] = [];
  const parseMs = fastest(reps, () => {
    sentences = parseReport(text).sentences.map((s) => s.text);
  });
  const consistencyMs = fastest(reps, () => {
    sentenceConsistency(sentences, inverseDocumentFrequency([sentences.flatMap(terms)]));
  });
  return { sentences: sentences.length, megabytes: Buffer.byteLength(text) / 1e6, parseMs, consistencyMs };
}

function main(): void {
  measure(2_000); // warm up the JIT
  const rows = SIZES.map(measure);
  const perSentence = (r: Row) => ((r.parseMs + r.consistencyMs) * 1000) / r.sentences;
  console.log('radalign report cost benchmark: one synthetic report, parseReport + sentence consistency');
  console.log(
    `  ${'sentences'.padStart(9)} ${'MB'.padStart(6)} ${'parse ms'.padStart(9)} ${'consist. ms'.padStart(11)} ${'total ms'.padStart(9)} ${'µs/sentence'.padStart(11)}`,
  );
  for (const r of rows) {
    const total = r.parseMs + r.consistencyMs;
    console.log(
      `  ${r.sentences.toLocaleString('en-US').padStart(9)} ${r.megabytes.toFixed(2).padStart(6)} ${r.parseMs.toFixed(1).padStart(9)} ` +
        `${r.consistencyMs.toFixed(1).padStart(11)} ${total.toFixed(1).padStart(9)} ${perSentence(r).toFixed(2).padStart(11)}`,
    );
  }
  const ratio = perSentence(rows[rows.length - 1]) / perSentence(rows[0]);
  console.log(
    `  time per sentence, ${SIZES[SIZES.length - 1].toLocaleString('en-US')} vs ${SIZES[0].toLocaleString('en-US')} sentences: ×${ratio.toFixed(2)} (linear ≈ 1, quadratic ≈ ${SIZES[SIZES.length - 1] / SIZES[0]})`,
  );

  if (process.argv.includes('--no-reference')) return;
  const row = rows[SIZES.indexOf(REFERENCE_AT)];
  const sentences = parseReport(longReport(REFERENCE_AT, REFERENCE_AT)).sentences.map((s) => s.text);
  const idf = inverseDocumentFrequency([sentences.flatMap(terms)]);
  const t0 = performance.now();
  referenceConsistency(sentences, idf);
  const oldMs = performance.now() - t0;
  console.log(
    `  old (quadratic) consistency at ${REFERENCE_AT.toLocaleString('en-US')} sentences: ${(oldMs / 1000).toFixed(1)} s, ` +
      `now ${row.consistencyMs.toFixed(1)} ms: ×${Math.round(oldMs / row.consistencyMs).toLocaleString('en-US')} faster`,
  );
}

main();
