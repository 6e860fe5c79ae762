// The table of most suspicious pairs printed after a run.
import Table from 'cli-table3';
import type { PairResult } from '../engine';

export function suspiciousTable(pairs: PairResult[], top: number): string {
  const table = new Table({
    head: ['rank', 'pair', 'suspicion', 'score', 'images', 'lowest image-describing sentence', 'best other report'],
    colWidths: [6, 24, 11, 9, 8, 46, 20],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const p of pairs.slice(0, top)) {
    const describing = p.sentences.filter((s) => s.describesImage && !s.negated);
    const lowest = (describing.length ? describing : p.sentences).reduce((a, b) => (b.score < a.score ? b : a));
    table.push([
      p.rank,
      p.id,
      p.suspicion.toFixed(3),
      p.score.toFixed(3),
      p.images.length,
      `${lowest.score.toFixed(3)} ${truncate(lowest.text.replace(/\s+/g, ' '), 80)}`,
      p.bestReports[0]?.id ?? '',
    ]);
  }
  return table.toString();
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
