// What the pairs tree shows, as plain data: which pairs pass the filter, in rank order, with
// their labels. Free of `vscode` so the filtering and wording are unit-tested in plain Node.
import type { PairResult } from '../../engine/results';
import { FLAG_REASON_LABELS, type ReviewEntry } from '../../engine/review';

export interface PairFilter {
  /** Case-insensitive text matched against id, report path and text, flag reasons and notes; '' = none. */
  text: string;
  flaggedOnly: boolean;
}

export const NO_FILTER: PairFilter = { text: '', flaggedOnly: false };

export interface PairRow {
  pair: PairResult;
  label: string;
  description: string;
  tooltip: string;
  /** Flags on the pair itself or on any of its sentences. */
  flags: ReviewEntry[];
  pairFlag: ReviewEntry | undefined;
}

export interface SentenceRow {
  pairId: string;
  index: number;
  label: string;
  description: string;
  tooltip: string;
  flag: ReviewEntry | undefined;
}

export function isFiltering(filter: PairFilter): boolean {
  return filter.text.trim() !== '' || filter.flaggedOnly;
}

/** The rows to show, most suspicious first. */
export function pairRows(pairs: readonly PairResult[], flags: readonly ReviewEntry[], filter: PairFilter): PairRow[] {
  const byPair = groupFlags(flags);
  const needle = filter.text.trim().toLowerCase();
  return [...pairs]
    .sort((a, b) => a.rank - b.rank)
    .map((pair) => ({ pair, flags: byPair.get(pair.id) ?? [] }))
    .filter(({ flags }) => !filter.flaggedOnly || flags.length > 0)
    .filter(({ pair, flags }) => !needle || searchableText(pair, flags).includes(needle))
    .map(({ pair, flags }) => pairRow(pair, flags));
}

export function pairRow(pair: PairResult, flags: ReviewEntry[]): PairRow {
  const pairFlag = flags.find((f) => f.sentence === null);
  const sentenceFlags = flags.filter((f) => f.sentence !== null).length;
  const flagText = pairFlag ? `⚑ ${FLAG_REASON_LABELS[pairFlag.reason!]}` : sentenceFlags ? `⚑ ${sentenceFlags} sentence${sentenceFlags === 1 ? '' : 's'}` : '';
  const description = [`suspicion ${pair.suspicion.toFixed(2)}`, `score ${pair.score.toFixed(3)}`, flagText].filter(Boolean).join(' · ');
  const tooltip = [
    `#${pair.rank} ${pair.id}`,
    `suspicion ${pair.suspicion.toFixed(3)} (reports fitting the image better: ${percent(pair.reportRank)}, images fitting the report better: ${percent(pair.imageRank)})`,
    `score ${pair.score.toFixed(4)}`,
    `report: ${pair.report}`,
    `images: ${pair.images.join(', ')}`,
    ...flags.map((f) => `⚑ ${f.sentence === null ? 'pair' : `sentence ${f.sentence + 1}`}: ${FLAG_REASON_LABELS[f.reason!]}${f.note ? ` — ${f.note}` : ''} (${f.reviewer})`),
  ].join('\n');
  return { pair, label: `#${pair.rank} ${pair.id}`, description, tooltip, flags, pairFlag };
}

/** One row per sentence, in report order. */
export function sentenceRows(pair: PairResult, flags: readonly ReviewEntry[]): SentenceRow[] {
  return pair.sentences.map((s, index) => {
    const flag = flags.find((f) => f.pair === pair.id && f.sentence === index);
    const notes = [s.negated ? 'negated' : '', s.uncertain ? 'uncertain' : '', s.describesImage ? '' : 'not about the image'].filter(Boolean);
    const description = [`score ${s.score.toFixed(3)}`, ...notes, flag ? `⚑ ${FLAG_REASON_LABELS[flag.reason!]}` : ''].filter(Boolean).join(' · ');
    return {
      pairId: pair.id,
      index,
      label: s.text.replace(/\s+/g, ' ').trim(),
      description,
      tooltip: `${s.section} · sentence ${index + 1} of ${pair.sentences.length}\n${description}`,
      flag,
    };
  });
}

/** The view's message line: what is filtered, and how many pairs remain. Undefined when not filtering. */
export function filterMessage(filter: PairFilter, shown: number, total: number): string | undefined {
  if (!isFiltering(filter)) return undefined;
  const parts = [filter.text.trim() ? `“${filter.text.trim()}”` : '', filter.flaggedOnly ? 'flagged only' : ''].filter(Boolean);
  return `Filter: ${parts.join(' · ')} — ${shown} of ${total} pairs`;
}

function searchableText(pair: PairResult, flags: ReviewEntry[]): string {
  const flagText = flags.flatMap((f) => [f.reason ?? '', f.reason ? FLAG_REASON_LABELS[f.reason] : '', f.note]);
  return [pair.id, pair.report, pair.reportText, ...flagText].join('\n').toLowerCase();
}

function groupFlags(flags: readonly ReviewEntry[]): Map<string, ReviewEntry[]> {
  const out = new Map<string, ReviewEntry[]>();
  for (const f of flags) {
    if (f.reason === null) continue;
    const list = out.get(f.pair) ?? [];
    list.push(f);
    out.set(f.pair, list);
  }
  return out;
}

function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}
