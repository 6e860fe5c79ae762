// Renders the panel's text sections from the host's state: header (with review progress), report,
// verdicts (everyone's, the adjudication, my verdict buttons), sentence flags (and orphaned ones),
// other reports, key legend. Each returns fresh DOM; user actions go to the `Intents` callbacks.
// Elements the render report reads back (panel-app.ts `report()`) carry the classes named there.
import { VERDICTS, type FlagReason, type Verdict } from '../../src/engine/review/types';
import type {
  FlagView,
  OrphanedFlagView,
  PairView,
  PanelState,
  ProgressView,
  VerdictView,
} from '../../src/protocol/review-panel-protocol';
import { reportName } from '../../src/engine/report-origin';
import { el, kbd } from './dom';
import { reasonLabel, verdictLabel } from './review-labels';
import { l10n } from './l10n';
import { keyLabel, keysFor, visibleBindings } from './keymap-dispatch';
import { reportRuns, sentenceCaveat, sentenceTints } from './report-layout';

export interface VerdictDetails {
  reason?: FlagReason | null;
  note?: string;
  useReportOf?: string;
  /** Given with its key or button: the host then goes on to the next unreviewed pair (setting). */
  advance?: boolean;
}

export interface Intents {
  navigate(to: 'next' | 'previous' | 'next-unreviewed'): void;
  selectSentence(index: number | null): void;
  hoverSentence(index: number | null): void;
  startFlag(reason: FlagReason): void;
  commitFlag(note: string): void;
  cancelFlag(): void;
  unflag(sentence: number): void;
  /** Removes my flag whose sentence is no longer in the report. */
  removeOrphan(flag: OrphanedFlagView): void;
  /** My verdict on the shown pair (null clears it). */
  verdict(verdict: Verdict | null, details?: VerdictDetails): void;
  /** Settles the shown pair (null removes the adjudication). */
  adjudicate(verdict: Verdict | null, details?: Omit<VerdictDetails, 'advance'>): void;
  openOther(pairId: string): void;
}

export interface FlagDraft {
  reason: FlagReason;
  /** The sentence to flag, or null: the pair's verdict becomes mismatched with the reason. */
  sentence: number | null;
  /** Typed so far: kept when a state update re-renders the form. */
  note: string;
}

const pct = (v: number): string => `${Math.round(v * 100)} %`;

export function renderHeader(state: PanelState, intents: Intents): HTMLElement {
  const pair = state.pair;
  const nav =
    state.mode === 'follow'
      ? el(
          'div',
          { class: 'nav' },
          button(l10n.t('‹ Previous'), () => intents.navigate('previous'), l10n.t('Previous pair (k, ←)')),
          button(l10n.t('Next ›'), () => intents.navigate('next'), l10n.t('Next pair (j, →)')),
          button(
            l10n.t('Next unreviewed'),
            () => intents.navigate('next-unreviewed'),
            state.progress.share
              ? l10n.t('Next pair without my verdict, in my share (n)')
              : l10n.t('Next pair without my verdict (n)'),
          ),
        )
      : el('div', { class: 'nav pinned-note', text: l10n.t('pinned for comparison') });
  const progress = state.reviewer ? renderProgress(state.reviewer, state.progress) : null;
  if (!pair)
    return el(
      'header',
      { class: 'header' },
      el('div', { class: 'notice', text: state.notice ?? l10n.t('Nothing to show.') }),
      progress,
      nav,
    );
  return el(
    'header',
    { class: 'header' },
    el(
      'div',
      { class: 'headline' },
      el('h1', { class: 'pair-id', text: pair.id, title: l10n.t('Pair id') }),
      metric(l10n.t('rank'), `${pair.rank} / ${state.total}`, l10n.t('1 = most suspicious pair in this dataset')),
      metric(
        l10n.t('suspicion'),
        pct(pair.suspicion),
        l10n.t('Dataset-relative: how many other reports fit this image better, and other images this report'),
      ),
      metric(
        l10n.t('score'),
        pair.cosine.toFixed(3),
        l10n.t('Cosine of the study image embedding with the report embedding'),
      ),
      state.modelName ? metric(l10n.t('model'), state.modelName, l10n.t('Model the scores come from')) : null,
    ),
    progress,
    nav,
  );
}

/** "reviewed 12 / 40 · my share 5 / 14 · disagreed 2 · as NAME" (the render report reads its text). */
function renderProgress(reviewer: string, p: ProgressView): HTMLElement {
  const parts = [
    metric(
      l10n.t('reviewed'),
      `${p.reviewed} / ${p.total}`,
      l10n.t('Pairs with a verdict of any reviewer (or an adjudication)'),
    ),
    p.share
      ? metric(
          l10n.t('my share'),
          `${p.share.reviewed} / ${p.share.assigned}`,
          l10n.t("Pairs of {0}'s share with {0}'s verdict", reviewer),
        )
      : metric(l10n.t('mine'), `${p.mine}`, l10n.t("Pairs with {0}'s verdict (no share assigned to {0})", reviewer)),
    metric(
      l10n.t('disagreed'),
      `${p.disagreed}`,
      l10n.t('Pairs whose reviewers disagree and that no adjudication settles'),
      p.disagreed ? 'metric attention' : 'metric',
    ),
    metric(
      l10n.t('as'),
      reviewer,
      l10n.t('Verdicts and flags made here are recorded as this reviewer (setting radalign.reviewerName)'),
    ),
  ];
  return el('div', { class: 'progress' }, ...parts.flatMap((m, i) => (i ? [' · ', m] : [m])));
}

function metric(label: string, value: string, title: string, cls = 'metric'): HTMLElement {
  // The space reads in textContent (the render report's progress text); flex layout drops it.
  return el(
    'span',
    { class: cls, title },
    el('span', { class: 'metric-label', text: label }),
    ' ',
    el('span', { class: 'metric-value', text: value }),
  );
}

function button(label: string, onClick: () => void, title?: string, cls = ''): HTMLButtonElement {
  const b = el('button', { class: cls, text: label, title });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

export function renderReport(
  pair: PairView,
  selected: number | null,
  hovered: number | null,
  intents: Intents,
): HTMLElement {
  const tints = sentenceTints(pair.sentences);
  const flagged = new Set(pair.flags.map((f) => f.sentence));
  const text = el('div', { class: 'report-text', attrs: { role: 'list' } });
  for (const run of reportRuns(pair.reportText, pair.sentences)) {
    if (run.sentence === null) {
      text.append(run.text);
      continue;
    }
    const i = run.sentence;
    const s = pair.sentences[i]!;
    const caveat = sentenceCaveat(s);
    const classes = [
      'sentence',
      s.negated ? 'negated' : '',
      !s.describesImage ? 'no-image' : '',
      i === selected ? 'selected' : '',
      i === hovered ? 'hovered' : '',
    ];
    // What the evidence combines: the sentence's image cosine and its consistency with the report.
    const combined = l10n.t(
      'image {0} · fits report {1}',
      s.imageCosine.toFixed(3),
      s.consistency === null ? '–' : s.consistency.toFixed(2),
    );
    const title = [
      l10n.t('Sentence {0} · score {1} ({2}) · {3}', i + 1, s.evidence.toFixed(3), combined, s.section),
      s.heatmap ? l10n.t('heatmap on image {0}', s.heatmap.imageIndex + 1) : l10n.t('no heatmap'),
      caveat,
    ]
      .filter(Boolean)
      .join('\n');
    const span = el('span', {
      class: classes.filter(Boolean).join(' '),
      title,
      attrs: { role: 'listitem', 'data-index': String(i) },
    });
    // Caveated sentences are tinted at half strength: their low evidence means less.
    span.style.setProperty('--tint', `${Math.round(tints[i]! * (caveat ? 25 : 50))}%`);
    if (caveat) span.append(caveatBadge(s.describesImage ? 'negated' : 'no-image', caveat));
    if (flagged.has(i))
      span.append(el('span', { class: 'badge flag-badge', text: '⚑', attrs: { 'aria-label': l10n.t('flagged') } }));
    span.append(run.text);
    span.addEventListener('mouseenter', () => intents.hoverSentence(i));
    span.addEventListener('mouseleave', () => intents.hoverSentence(null));
    span.addEventListener('click', () => intents.selectSentence(i === selected ? null : i));
    text.append(span);
  }
  const legend = el(
    'div',
    { class: 'tint-legend' },
    el('span', { text: l10n.t('sentence score, relative within this report:') }),
    el(
      'span',
      { class: 'tint-scale' },
      el('span', { text: l10n.t('lowest') }),
      el('span', { class: 'tint-bar' }),
      el('span', { text: l10n.t('highest') }),
    ),
    el('span', { class: 'legend-item' }, caveatBadge('negated'), l10n.t('negated')),
    el('span', { class: 'legend-item' }, caveatBadge('no-image'), l10n.t('not about the image')),
    el('span', { class: 'legend-hint', text: l10n.t('a low score on these is not by itself a mismatch') }),
  );
  return el('section', { class: 'report' }, el('h2', { text: l10n.t('Report · {0}', reportName(pair)) }), text, legend);
}

/** '¬' for negated sentences, a circled 'i' (drawn in CSS: fonts lack ⓘ) for sentences not about the image. */
function caveatBadge(kind: 'negated' | 'no-image', label?: string): HTMLElement {
  return el('span', {
    class: `badge ${kind}-badge`,
    text: kind === 'negated' ? '¬' : 'i',
    attrs: label ? { 'aria-label': label } : {},
  });
}

/** Short verdict word in a span the render report reads (`.verdict-value`). */
function verdictValue(v: Verdict): HTMLElement {
  return el('span', { class: `verdict-value v-${v}`, text: v, title: verdictLabel(v) });
}

const when = (at: string): string => at.replace('T', ' ').slice(0, 16);

export function renderVerdicts(state: PanelState, pair: PairView, intents: Intents): HTMLElement {
  const mine = pair.verdicts.find((v) => v.mine);
  const children: (HTMLElement | null)[] = [el('h2', { text: l10n.t('Verdicts') }), outcomeLine(pair)];
  if (pair.verdicts.length) {
    const list = el('ul', { class: 'verdict-list' });
    for (const v of pair.verdicts) list.append(verdictItem(v));
    children.push(list);
  }
  if (pair.adjudication) {
    const a = pair.adjudication;
    children.push(
      el(
        'div',
        { class: 'adjudication' },
        el('span', { class: 'adjudication-label', text: l10n.t('Settled as ') }),
        verdictValue(a.verdict),
        a.reason ? el('span', { class: 'verdict-reason', text: reasonLabel(a.reason) }) : null,
        a.useReportOf !== undefined
          ? el('span', { class: 'verdict-use', text: l10n.t('report of {0} belongs here', a.useReportOf) })
          : null,
        a.note ? el('span', { class: 'verdict-note', text: `“${a.note}”` }) : null,
        el('span', { class: 'verdict-by', text: l10n.t('by {0}, {1}', a.reviewer, when(a.at)) }),
        button(
          l10n.t('Unsettle'),
          () => intents.adjudicate(null),
          l10n.t("Remove the adjudication (the reviewers' verdicts decide again)"),
          'secondary small',
        ),
      ),
    );
  }
  if (pair.disagreed) children.push(settleButtons(pair, intents));
  children.push(myVerdict(state, mine, intents));
  return el('section', { class: 'verdicts', attrs: { 'data-outcome': pair.outcome } }, ...children);
}

function outcomeLine(pair: PairView): HTMLElement {
  const line = el('div', { class: 'outcome' });
  if (pair.disagreed)
    line.append(
      el('span', {
        class: 'disagreed-marker',
        text: l10n.t('disagreed'),
        title: l10n.t("The reviewers' verdicts on this pair differ"),
      }),
      ' ',
    );
  if (pair.outcome === 'unreviewed') line.append(el('span', { class: 'empty', text: l10n.t('No verdicts yet.') }));
  else if (pair.outcome === 'disagreed')
    line.append(el('span', { class: 'hint', text: l10n.t('Not settled: settle it below.') }));
  else
    line.append(
      el('span', {
        class: 'outcome-label',
        text: pair.adjudication ? l10n.t('outcome (settled): ') : l10n.t('outcome: '),
      }),
      el('strong', { text: pair.outcome }),
    );
  return line;
}

function verdictItem(v: VerdictView): HTMLElement {
  return el(
    'li',
    { class: v.mine ? 'verdict-item mine' : 'verdict-item', attrs: { 'data-reviewer': v.reviewer } },
    el('span', { class: 'verdict-reviewer', text: v.reviewer }),
    v.mine ? el('span', { class: 'you-badge', text: l10n.t('you') }) : null,
    verdictValue(v.verdict),
    v.reason ? el('span', { class: 'verdict-reason', text: reasonLabel(v.reason) }) : null,
    v.useReportOf !== undefined
      ? el('span', { class: 'verdict-use', text: l10n.t('report of {0} belongs here', v.useReportOf) })
      : null,
    v.note ? el('span', { class: 'verdict-note', text: `“${v.note}”` }) : null,
    el('span', { class: 'verdict-by', text: when(v.at) }),
  );
}

/**
 * One button per verdict. Settling as mismatched carries the reason (and the report said to belong
 * here) when the reviewers who said mismatched agree on it.
 */
function settleButtons(pair: PairView, intents: Intents): HTMLElement {
  const mismatched = pair.verdicts.filter((v) => v.verdict === 'mismatched');
  const agreed = <T>(values: T[]): T | undefined =>
    values.length && values.every((x) => x === values[0]) ? values[0] : undefined;
  const reason = agreed(mismatched.map((v) => v.reason)) ?? null;
  const useReportOf = agreed(mismatched.map((v) => v.useReportOf));
  const row = el(
    'div',
    { class: 'settle' },
    el('span', {
      class: 'settle-label',
      text: pair.adjudication ? l10n.t('Settle again as:') : l10n.t('Settle as:'),
    }),
  );
  for (const v of VERDICTS) {
    const label = v === 'mismatched' && reason ? l10n.t('mismatched: {0}', reasonLabel(reason)) : v;
    const details = v === 'mismatched' ? { reason, ...(useReportOf !== undefined ? { useReportOf } : {}) } : {};
    const active = pair.adjudication?.verdict === v;
    const b = button(
      label,
      () => intents.adjudicate(v, details),
      l10n.t('Adjudicate: this pair is {0}, whatever the reviewers said', verdictLabel(v)),
      active ? 'settle-button active' : 'settle-button',
    );
    b.setAttribute('data-verdict', v);
    row.append(b);
  }
  return row;
}

function myVerdict(state: PanelState, mine: VerdictView | undefined, intents: Intents): HTMLElement {
  const row = el(
    'div',
    { class: 'my-verdict' },
    el('span', { class: 'my-verdict-label', text: l10n.t('Your verdict ({0}):', state.reviewer) }),
  );
  for (const v of VERDICTS) {
    const key = keysFor(state.keymap, (a) => a.type === 'verdict' && a.verdict === v)[0];
    const b = button(
      '',
      () => intents.verdict(v, { advance: true }),
      l10n.t(
        'My verdict: {0} (then the next unreviewed pair, unless radalign.advanceAfterVerdict is off)',
        verdictLabel(v),
      ),
      mine?.verdict === v ? `verdict-button v-${v} active` : `verdict-button v-${v}`,
    );
    if (key) b.append(kbd(keyLabel(key)), ' ');
    b.append(v);
    b.setAttribute('data-verdict', v);
    row.append(b);
  }
  if (mine) {
    const key = keysFor(state.keymap, (a) => a.type === 'unflag')[0];
    const b = button('', () => intents.verdict(null), l10n.t('Clear my verdict'), 'secondary');
    if (key) b.append(kbd(keyLabel(key)), ' ');
    b.append(l10n.t('clear'));
    row.append(b);
  }
  return row;
}

export function renderFlags(
  state: PanelState,
  pair: PairView,
  draft: FlagDraft | undefined,
  intents: Intents,
): HTMLElement {
  const sentence = state.sentence;
  const target =
    sentence === null
      ? null
      : l10n.t('sentence {0}: “{1}”', sentence + 1, truncate(pair.sentences[sentence]!.text, 60));
  const reasons = el('div', { class: 'reasons' });
  for (const r of state.reasons) {
    const key = keysFor(state.keymap, (a) => a.type === 'flag' && a.reason === r.id)[0];
    const title = target
      ? l10n.t('Flag {0} as: {1}', target, r.label)
      : l10n.t('My verdict: mismatched, because: {0}', r.label);
    const b = button('', () => intents.startFlag(r.id), title, draft?.reason === r.id ? 'reason active' : 'reason');
    if (key) b.append(kbd(keyLabel(key)), ' ');
    b.append(r.label);
    reasons.append(b);
  }
  const children: (HTMLElement | null)[] = [
    el('h2', { text: l10n.t('Sentence flags') }),
    target
      ? el(
          'div',
          { class: 'flag-target' },
          l10n.t('Flag '),
          el('strong', { text: target }),
          el('span', { class: 'hint', text: l10n.t(' (Esc: no sentence)') }),
        )
      : el(
          'div',
          { class: 'flag-target' },
          l10n.t('No sentence selected: a reason marks '),
          el('strong', { text: l10n.t('the pair mismatched') }),
          el('span', { class: 'hint', text: l10n.t(' (s or ↓ selects a sentence)') }),
        ),
    reasons,
  ];
  if (draft) {
    const note = el('input', {
      class: 'note-input',
      attrs: {
        type: 'text',
        placeholder: l10n.t('Note (optional) — Enter saves, Esc cancels'),
        'aria-label': draft.sentence === null ? l10n.t('Verdict note') : l10n.t('Flag note'),
      },
    });
    note.value = draft.note;
    note.addEventListener('input', () => (draft.note = note.value));
    note.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        intents.commitFlag(note.value);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        intents.cancelFlag();
      }
      e.stopPropagation(); // typing a note is not a shortcut
    });
    const what =
      draft.sentence === null
        ? l10n.t('pair mismatched: {0}', reasonLabel(draft.reason))
        : l10n.t('{0} → sentence {1}', reasonLabel(draft.reason), draft.sentence + 1);
    children.push(
      el(
        'div',
        { class: 'draft' },
        el('span', { text: what }),
        note,
        button(l10n.t('Save'), () => intents.commitFlag(note.value)),
        button(l10n.t('Cancel'), () => intents.cancelFlag(), undefined, 'secondary'),
      ),
    );
  }
  children.push(
    pair.flags.length
      ? flagList(pair, intents)
      : el('p', { class: 'empty', text: l10n.t('No sentence flags on this pair.') }),
  );
  if (pair.orphanedFlags.length) {
    const list = el('ul', { class: 'flag-list orphan-list' });
    for (const f of pair.orphanedFlags) list.append(orphanItem(f, intents));
    children.push(
      el('h3', {
        class: 'orphan-heading',
        text: l10n.t('Flags on sentences no longer in the report'),
        title: l10n.t('The report changed since: these flags stay with the text they were made on'),
      }),
      list,
    );
  }
  return el('section', { class: 'flags' }, ...children);
}

function flagList(pair: PairView, intents: Intents): HTMLElement {
  const list = el('ul', { class: 'flag-list' });
  for (const f of pair.flags) list.append(flagItem(pair, f, intents));
  return list;
}

function flagItem(pair: PairView, f: FlagView, intents: Intents): HTMLElement {
  return el(
    'li',
    {
      class: f.mine ? 'flag-item mine' : 'flag-item',
      attrs: { 'data-sentence': String(f.sentence), 'data-reason': f.reason },
      title: pair.sentences[f.sentence]?.text ?? '',
    },
    el('span', { class: 'flag-what', text: l10n.t('⚑ sentence {0}', f.sentence + 1) }),
    ...flagDetails(f),
    f.mine
      ? button(
          l10n.t('Unflag'),
          () => intents.unflag(f.sentence),
          l10n.t('Remove my flag (u removes mine on the selected sentence)'),
          'secondary small',
        )
      : null,
  );
}

/** A flag's reason, note and who flagged when: the same in the flag list and the orphaned list. */
function flagDetails(f: FlagView | OrphanedFlagView): (HTMLElement | null)[] {
  return [
    el('span', { class: 'flag-reason', text: reasonLabel(f.reason) }),
    f.note ? el('span', { class: 'flag-note', text: `“${f.note}”` }) : null,
    el(
      'span',
      { class: 'flag-by' },
      el('span', { class: 'flag-reviewer', text: f.reviewer }),
      f.mine ? el('span', { class: 'you-badge', text: l10n.t('you') }) : null,
      `, ${when(f.at)}`,
    ),
  ];
}

function orphanItem(f: OrphanedFlagView, intents: Intents): HTMLElement {
  return el(
    'li',
    { class: f.mine ? 'flag-item orphan mine' : 'flag-item orphan', attrs: { 'data-reason': f.reason } },
    el('span', { class: 'flag-what', text: l10n.t('⚑ was sentence {0}', f.sentence + 1) }),
    el('span', { class: 'orphan-text', text: f.text ?? l10n.t('(text not recorded)') }),
    ...flagDetails(f),
    el('span', { class: 'hint', text: l10n.t('sentence no longer in the report') }),
    f.mine
      ? button(
          l10n.t('Remove'),
          () => intents.removeOrphan(f),
          l10n.t('Remove my flag (its sentence is no longer in the report)'),
          'secondary small',
        )
      : null,
  );
}

export function renderOthers(pair: PairView, intents: Intents): HTMLElement {
  const mine = pair.verdicts.find((v) => v.mine);
  const section = el('section', { class: 'others' }, el('h2', { text: l10n.t('Reports that fit this image best') }));
  if (!pair.bestReports.length) {
    section.append(el('p', { class: 'empty', text: l10n.t('None recorded.') }));
    return section;
  }
  const list = el('ol', { class: 'other-list' });
  for (const b of pair.bestReports) {
    const link = button(b.id, () => intents.openOther(b.id), l10n.t('Open pair {0} beside this one', b.id), 'link');
    const chosen = mine?.useReportOf === b.id;
    // Records my verdict mismatched, naming the pair whose report belongs to these images (export-clean pairs them).
    const belongs =
      b.id === pair.id
        ? null
        : chosen
          ? el('span', { class: 'belongs-chosen', text: l10n.t('my choice') })
          : button(
              l10n.t('belongs here'),
              () => intents.verdict('mismatched', { useReportOf: b.id }),
              l10n.t('My verdict: mismatched, and the report of {0} belongs to these images', b.id),
              'secondary small',
            );
    list.append(el('li', {}, link, el('span', { class: 'other-score', text: b.cosine.toFixed(3) }), belongs));
  }
  section.append(
    list,
    el('p', {
      class: 'hint',
      text: l10n.t(
        'Click an id to open that pair beside this one; "belongs here" records that its report is the one for these images.',
      ),
    }),
  );
  return section;
}

export function renderKeys(state: PanelState): HTMLElement {
  const table = el('dl', { class: 'keys' });
  for (const b of visibleBindings(state.keymap, state.mode)) {
    const keys = el('dt');
    b.keys.forEach((k, i) => keys.append(...(i ? [' ', kbd(keyLabel(k))] : [kbd(keyLabel(k))])));
    table.append(keys, el('dd', { text: b.label }));
  }
  table.append(
    el('dt', {}, kbd(l10n.t('wheel'))),
    el('dd', { text: l10n.t('zoom') }),
    el('dt', {}, kbd(l10n.t('drag'))),
    el('dd', { text: l10n.t('pan') }),
    el('dt', {}, kbd(l10n.t('Shift+drag'))),
    el('dd', { text: l10n.t('window / level (16-bit, DICOM)') }),
  );
  return el('section', { class: 'key-legend' }, el('h2', { text: l10n.t('Keys') }), table);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
