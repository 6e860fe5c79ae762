// The user-facing messages said in more than one place (commands, panel, views), worded once and
// localisable. A message said in one place only is written there, through l10n.t as well. Free of
// `vscode`: the panel's state and the views' wording are unit-tested in plain Node.
import { l10n } from './l10n';

export const messages = {
  /** Every command and view that needs scored results, when there are none. */
  nothingScored: () => l10n.t('Nothing scored yet: run "radalign: Score pairs" on a dataset folder.'),
  /** The button that runs "radalign: Score pairs". */
  scorePairsAction: () => l10n.t('Score pairs'),
  /** The button that opens the radalign.modelPath setting. */
  openSettingsAction: () => l10n.t('Open Settings'),
  noPairWithId: (pairId: string, folder: string) => l10n.t('no pair with id {0} in {1}', pairId, folder),
  pairHasNoSentence: (pairId: string, sentence: number) => l10n.t('pair {0} has no sentence {1}', pairId, sentence),
  /** A note's prompt, for whoever fixes the dataset (flags and mismatched verdicts). */
  notePrompt: () => l10n.t('Note (optional): what is wrong, for whoever fixes the dataset'),
  /** Lines of the review file that could not be read (kept aside when it is next written). */
  unreadableReviewLines: (count: number, reviewFile: string) =>
    count === 1
      ? l10n.t(
          '1 line of {0} could not be read; it is kept in a copy next to it when the file is next written.',
          reviewFile,
        )
      : l10n.t(
          '{0} lines of {1} could not be read; they are kept in a copy next to it when the file is next written.',
          count,
          reviewFile,
        ),
};
