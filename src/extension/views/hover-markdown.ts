// The markdown of a report sentence's hover, free of `vscode` so unit tests read exactly what the
// hover shows. The hover's links may run radalign commands, so every piece of dataset text in it
// (section, heatmap kind, image name, flag note, reviewer) goes through escapeMarkdown.
import type { PairResult } from '../../engine/results';
import { type FlagEntry } from '../../engine/review/types';
import { l10n } from '../l10n';
import { heatmapDataUri } from './heatmap-thumbnail';
import { commandLink, escapeMarkdown } from './markdown-text';
import { fractionBar } from './sentence-grades';
import { reasonLabel } from '../review-labels';

/** The only commands the hover's links may run (MarkdownString.isTrusted.enabledCommands). */
export const HOVER_COMMANDS = ['radalign.showSentence', 'radalign.flagSentence'];

export interface SentenceHover {
  pair: PairResult;
  /** Index of the sentence in `pair.sentences`. */
  index: number;
  /** Fraction of the dataset's sentences with less evidence than this one. */
  below: number;
  /** The flags anchored on this sentence (every reviewer's; anchoredFlags). */
  flags: readonly FlagEntry[];
  /** Who is looking: "Change flag…" when one of the flags is theirs. */
  reviewer: string;
}

export function sentenceHoverMarkdown({ pair, index, below, flags, reviewer }: SentenceHover): string {
  const s = pair.sentences[index]!;
  // Translations come with the extension (l10n/); what is put into them from the dataset is escaped.
  const parts = [
    `**radalign** · ${l10n.t('sentence {0} of {1}', index + 1, pair.sentences.length)} · ${escapeMarkdown(s.section)}`,
  ];
  parts.push(
    // The user reads "score": the sentence's evidence (image and consistency combined).
    l10n.t(
      "score **{0}** `{1}` higher than {2}% of this dataset's sentences",
      s.evidence.toFixed(3),
      fractionBar(below),
      Math.round(below * 100),
    ),
  );
  if (!s.describesImage)
    parts.push(
      l10n.t('_Context (history, indication…): does not describe the image; its score is not evidence either way._'),
    );
  else if (s.negated) parts.push(l10n.t('_Negated finding: a low score is expected and is not by itself a mismatch._'));
  if (s.uncertain) parts.push(l10n.t('_Hedged ("possible", "cannot exclude")._'));
  if (s.heatmap) {
    const image = pair.images[s.heatmap.imageIndex] ?? '';
    parts.push(`![${l10n.t('heatmap of sentence {0}', index + 1)}](${heatmapDataUri(s.heatmap)})`);
    parts.push(
      l10n.t('_{0} heatmap over {1} (bright = closer match)_', escapeMarkdown(s.heatmap.kind), escapeMarkdown(image)),
    );
  }
  for (const flag of flags) {
    if (!flag.reason) continue;
    const note = flag.note ? ` — ${escapeMarkdown(flag.note)}` : '';
    parts.push(
      `$(flag) **${escapeMarkdown(reasonLabel(flag.reason) ?? flag.reason)}**${note} (${escapeMarkdown(flag.reviewer)})`,
    );
  }
  const mine = flags.some((f) => f.reviewer === reviewer);
  const target = [{ pairId: pair.id, sentence: index }];
  parts.push(
    `${commandLink(l10n.t('Show heatmap'), HOVER_COMMANDS[0]!, target)} · ${commandLink(mine ? l10n.t('Change flag…') : l10n.t('Flag sentence…'), HOVER_COMMANDS[1]!, target)}`,
  );
  return parts.join('\n\n');
}
