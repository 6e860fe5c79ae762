// The markdown of a report sentence's hover, free of `vscode` so unit tests read exactly what the
// hover shows. The hover's links may run radalign commands, so every piece of dataset text in it
// (section, heatmap kind, image name, flag note, reviewer) goes through escapeMarkdown.
import type { PairResult } from '../../engine/results';
import { FLAG_REASON_LABELS, type FlagEntry } from '../../engine/review/types';
import { heatmapDataUri } from './heatmap-thumbnail';
import { commandLink, escapeMarkdown } from './markdown-text';
import { scoreBar } from './sentence-grades';

/** The only commands the hover's links may run (MarkdownString.isTrusted.enabledCommands). */
export const HOVER_COMMANDS = ['radalign.showSentence', 'radalign.flagSentence'];

export interface SentenceHover {
  pair: PairResult;
  /** Index of the sentence in `pair.sentences`. */
  index: number;
  /** Fraction of the dataset's sentences scoring below this one. */
  below: number;
  /** The flags anchored on this sentence (every reviewer's; anchoredFlags). */
  flags: readonly FlagEntry[];
  /** Who is looking: "Change flag…" when one of the flags is theirs. */
  reviewer: string;
}

export function sentenceHoverMarkdown({ pair, index, below, flags, reviewer }: SentenceHover): string {
  const s = pair.sentences[index]!;
  const parts = [`**radalign** · sentence ${index + 1} of ${pair.sentences.length} · ${escapeMarkdown(s.section)}`];
  parts.push(
    `score **${s.score.toFixed(3)}** \`${scoreBar(below)}\` higher than ${Math.round(below * 100)}% of this dataset's sentences`,
  );
  if (!s.describesImage)
    parts.push(`_Context (history, indication…): does not describe the image; its score is not evidence either way._`);
  else if (s.negated) parts.push(`_Negated finding: a low score is expected and is not by itself a mismatch._`);
  if (s.uncertain) parts.push(`_Hedged ("possible", "cannot exclude")._`);
  if (s.heatmap) {
    const image = pair.images[s.heatmap.imageIndex] ?? '';
    parts.push(`![heatmap of sentence ${index + 1}](${heatmapDataUri(s.heatmap)})`);
    parts.push(`_${escapeMarkdown(s.heatmap.kind)} heatmap over ${escapeMarkdown(image)} (bright = closer match)_`);
  }
  for (const flag of flags) {
    if (!flag.reason) continue;
    const note = flag.note ? ` — ${escapeMarkdown(flag.note)}` : '';
    parts.push(
      `$(flag) **${escapeMarkdown(FLAG_REASON_LABELS[flag.reason] ?? flag.reason)}**${note} (${escapeMarkdown(flag.reviewer)})`,
    );
  }
  const mine = flags.some((f) => f.reviewer === reviewer);
  const target = [{ pairId: pair.id, sentence: index }];
  parts.push(
    `${commandLink('Show heatmap', HOVER_COMMANDS[0]!, target)} · ${commandLink(mine ? 'Change flag…' : 'Flag sentence…', HOVER_COMMANDS[1]!, target)}`,
  );
  return parts.join('\n\n');
}
