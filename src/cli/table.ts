// The table of most suspicious pairs printed after a run, fitted to the terminal width: per pair
// its cosine, and the finding sentence with the least evidence (SentenceResult.evidence) before it.
import Table from 'cli-table3';
import type { PairResult } from '../engine';

export function suspiciousTable(pairs: PairResult[], top: number, width = process.stdout.columns || 140): string {
  const shown = pairs.slice(0, top);
  const idWidth = Math.min(30, Math.max(8, ...shown.map((p) => p.id.length + 2)));
  const bestWidth = Math.min(18, Math.max(12, ...shown.map((p) => (p.bestReports[0]?.id.length ?? 0) + 2)));
  const fixed = 6 + idWidth + 11 + 9 + 8 + bestWidth + 8; // columns plus borders
  const sentenceWidth = Math.max(30, width - fixed);
  const table = new Table({
    head: [
      'rank',
      'pair',
      'suspicion',
      'cosine',
      'images',
      'finding sentence with least evidence',
      'best other report',
    ],
    colWidths: [6, idWidth, 11, 9, 8, sentenceWidth, bestWidth],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const p of shown) {
    const describing = p.sentences.filter((s) => s.describesImage && !s.negated);
    const lowest = (describing.length ? describing : p.sentences).reduce((a, b) => (b.evidence < a.evidence ? b : a));
    table.push([
      p.rank,
      p.id,
      p.suspicion.toFixed(3),
      p.cosine.toFixed(3),
      p.images.length,
      `${lowest.evidence.toFixed(3)} ${truncate(lowest.text.replace(/\s+/g, ' '), 2 * sentenceWidth)}`,
      p.bestReports[0]?.id ?? '',
    ]);
  }
  return table.toString();
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
