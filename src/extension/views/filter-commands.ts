// "Filter pairs…", "Clear filter", the review filters (awaiting my verdict, mismatched, unsure,
// disagreed, flagged / all) and "Show more" of the pairs view. Each resolves to the ids now shown
// (rank order, the first page or more), which keybindings ignore and tests check.
import * as vscode from 'vscode';
import { l10n } from '../l10n';
import {
  REVIEW_FILTERS,
  reviewFilterDescription,
  reviewFilterFrom,
  reviewFilterLabel,
  type ReviewFilter,
} from './pair-rows';
import { SHOW_MORE_COMMAND, type PairsTreeProvider } from './pairs-tree';

/**
 * Optional argument of radalign.filterPairs: `{ "text": "p10/p1000", "show": "disagreed" }` skips
 * the input box; `flaggedOnly: true` is the older spelling of `show: "flagged"`, and
 * `show: "unreviewed"` of `show: "awaiting-my-verdict"`.
 */
interface FilterArgs {
  text?: string;
  show?: ReviewFilter | 'unreviewed';
  flaggedOnly?: boolean;
}

export function registerFilterCommands(provider: PairsTreeProvider): vscode.Disposable[] {
  const shown = () => provider.visibleRows().map((r) => r.entry.id);

  const filterPairs = async (args?: FilterArgs): Promise<string[] | undefined> => {
    let text = typeof args?.text === 'string' ? args.text : undefined;
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: l10n.t('Filter pairs'),
        prompt: l10n.t(
          'Shows pairs whose id, report or image path, reviewer, verdict, flag reason or note contains this (case-insensitive). Empty: no text filter.',
        ),
        value: provider.filter.text,
        placeHolder: l10n.t('e.g. case17, s50414267, laterality, ann'),
      });
      if (text === undefined) return undefined;
    }
    const show =
      reviewFilterFrom(args?.show) ??
      (typeof args?.flaggedOnly === 'boolean' ? (args.flaggedOnly ? 'flagged' : 'all') : provider.filter.show);
    provider.filter = { text: text.trim(), show };
    return shown();
  };

  const showOnly = (show: ReviewFilter): string[] => {
    provider.filter = { ...provider.filter, show };
    return shown();
  };

  /** "Show pairs by review…": a picker, or the state as argument (`"disagreed"` or `{ "show": "disagreed" }`). */
  const showByReview = async (arg?: unknown): Promise<string[] | undefined> => {
    const given = reviewFilterFrom(arg) ?? reviewFilterFrom((arg as { show?: unknown } | undefined)?.show);
    if (given) return showOnly(given);
    const picked = await vscode.window.showQuickPick(
      REVIEW_FILTERS.map((show) => ({
        label: reviewFilterLabel(show),
        description: show === provider.filter.show ? l10n.t('current') : undefined,
        detail: reviewFilterDescription(show),
        show,
      })),
      { title: l10n.t('Show pairs by review'), placeHolder: l10n.t('Which pairs to list') },
    );
    return picked ? showOnly(picked.show) : undefined;
  };

  return [
    vscode.commands.registerCommand('radalign.filterPairs', filterPairs),
    vscode.commands.registerCommand('radalign.clearFilter', () => {
      provider.filter = { text: '', show: 'all' };
      return shown();
    }),
    vscode.commands.registerCommand('radalign.showPairsByReview', showByReview),
    vscode.commands.registerCommand('radalign.showUnreviewedPairs', () => showOnly('awaiting-my-verdict')),
    vscode.commands.registerCommand('radalign.showDisagreedPairs', () => showOnly('disagreed')),
    vscode.commands.registerCommand('radalign.showFlaggedOnly', () => showOnly('flagged')),
    vscode.commands.registerCommand('radalign.showAllPairs', () => showOnly('all')),
    vscode.commands.registerCommand(SHOW_MORE_COMMAND, () => provider.showMore()),
  ];
}
