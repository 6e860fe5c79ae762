// Renders the panel's text sections from the host's state: header, report, flags, other
// reports, key legend. Each returns fresh DOM; user actions go to the `Intents` callbacks.
import { FLAG_REASON_LABELS, type FlagReason } from '../../src/engine/review/types';
import type { FlagView, PairView, PanelState } from '../../src/protocol/review-panel-protocol';
import { el, kbd } from './dom';
import { keyLabel, keysFor, visibleBindings } from './keymap-dispatch';
import { reportRuns, sentenceCaveat, sentenceTints } from './report-layout';

export interface Intents {
  navigate(to: 'next' | 'previous' | 'next-unreviewed'): void;
  selectSentence(index: number | null): void;
  hoverSentence(index: number | null): void;
  startFlag(reason: FlagReason): void;
  commitFlag(note: string): void;
  cancelFlag(): void;
  unflag(sentence: number | null): void;
  openOther(pairId: string): void;
}

export interface FlagDraft {
  reason: FlagReason;
  sentence: number | null;
  /** Typed so far: kept when a state update re-renders the form. */
  note: string;
}

const pct = (v: number): string => `${Math.round(v * 100)} %`;

export function renderHeader(state: PanelState, intents: Intents): HTMLElement {
  const pair = state.pair;
  const nav = state.mode === 'follow'
    ? el(
        'div',
        { class: 'nav' },
        button('‹ Previous', () => intents.navigate('previous'), 'Previous pair (k, ←)'),
        button('Next ›', () => intents.navigate('next'), 'Next pair (j, →)'),
        button('Next unflagged', () => intents.navigate('next-unreviewed'), 'Next pair without a flag (n)'),
      )
    : el('div', { class: 'nav pinned-note', text: 'pinned for comparison' });
  if (!pair) return el('header', { class: 'header' }, el('div', { class: 'notice', text: state.notice ?? 'Nothing to show.' }), nav);
  return el(
    'header',
    { class: 'header' },
    el(
      'div',
      { class: 'headline' },
      el('h1', { class: 'pair-id', text: pair.id, title: 'Pair id' }),
      metric('rank', `${pair.rank} / ${state.total}`, '1 = most suspicious pair in this dataset'),
      metric('suspicion', pct(pair.suspicion), 'Dataset-relative: how many other reports fit this image better, and other images this report'),
      metric('score', pair.score.toFixed(3), 'Cosine of the study image embedding with the report embedding'),
      metric('unflagged', `${state.unreviewed}`, 'Pairs without any flag'),
      state.modelName ? metric('model', state.modelName, 'Model the scores come from') : null,
    ),
    nav,
  );
}

function metric(label: string, value: string, title: string): HTMLElement {
  return el('span', { class: 'metric', title }, el('span', { class: 'metric-label', text: label }), el('span', { class: 'metric-value', text: value }));
}

function button(label: string, onClick: () => void, title?: string, cls = ''): HTMLButtonElement {
  const b = el('button', { class: cls, text: label, title });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

export function renderReport(pair: PairView, selected: number | null, hovered: number | null, intents: Intents): HTMLElement {
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
    const classes = ['sentence', s.negated ? 'negated' : '', !s.describesImage ? 'no-image' : '', i === selected ? 'selected' : '', i === hovered ? 'hovered' : ''];
    const evidence = `image ${s.imageScore.toFixed(3)} · fits report ${s.consistency === null ? '–' : s.consistency.toFixed(2)}`;
    const title = [`Sentence ${i + 1} · score ${s.score.toFixed(3)} (${evidence}) · ${s.section}`, s.heatmap ? `heatmap on image ${s.heatmap.imageIndex + 1}` : 'no heatmap', caveat].filter(Boolean).join('\n');
    const span = el('span', { class: classes.filter(Boolean).join(' '), title, attrs: { role: 'listitem', 'data-index': String(i) } });
    // Caveated sentences are tinted at half strength: their low scores mean less.
    span.style.setProperty('--tint', `${Math.round(tints[i]! * (caveat ? 25 : 50))}%`);
    if (caveat) span.append(caveatBadge(s.describesImage ? 'negated' : 'no-image', caveat));
    if (flagged.has(i)) span.append(el('span', { class: 'badge flag-badge', text: '⚑', attrs: { 'aria-label': 'flagged' } }));
    span.append(run.text);
    span.addEventListener('mouseenter', () => intents.hoverSentence(i));
    span.addEventListener('mouseleave', () => intents.hoverSentence(null));
    span.addEventListener('click', () => intents.selectSentence(i === selected ? null : i));
    text.append(span);
  }
  const legend = el(
    'div',
    { class: 'tint-legend' },
    el('span', { text: 'sentence score, relative within this report:' }),
    el('span', { class: 'tint-scale' }, el('span', { text: 'lowest' }), el('span', { class: 'tint-bar' }), el('span', { text: 'highest' })),
    el('span', { class: 'legend-item' }, caveatBadge('negated'), 'negated'),
    el('span', { class: 'legend-item' }, caveatBadge('no-image'), 'not about the image'),
    el('span', { class: 'legend-hint', text: 'a low score on these is not by itself a mismatch' }),
  );
  return el('section', { class: 'report' }, el('h2', { text: `Report · ${pair.reportName}` }), text, legend);
}

/** '¬' for negated sentences, a circled 'i' (drawn in CSS: fonts lack ⓘ) for sentences not about the image. */
function caveatBadge(kind: 'negated' | 'no-image', label?: string): HTMLElement {
  return el('span', { class: `badge ${kind}-badge`, text: kind === 'negated' ? '¬' : 'i', attrs: label ? { 'aria-label': label } : {} });
}

export function renderFlags(state: PanelState, pair: PairView, draft: FlagDraft | undefined, intents: Intents): HTMLElement {
  const sentence = state.sentence;
  const target = sentence === null ? 'the whole pair' : `sentence ${sentence + 1}: “${truncate(pair.sentences[sentence]!.text, 60)}”`;
  const reasons = el('div', { class: 'reasons' });
  for (const r of state.reasons) {
    const key = keysFor(state.keymap, (a) => a.type === 'flag' && a.reason === r.id)[0];
    const b = button('', () => intents.startFlag(r.id), `Flag ${target} as: ${r.label}`, draft?.reason === r.id ? 'reason active' : 'reason');
    if (key) b.append(kbd(keyLabel(key)), ' ');
    b.append(r.label);
    reasons.append(b);
  }
  const children: (HTMLElement | null)[] = [
    el('h2', { text: 'Flags' }),
    el('div', { class: 'flag-target' }, 'Flag ', el('strong', { text: target }), sentence !== null ? el('span', { class: 'hint', text: ' (Esc: the whole pair)' }) : null),
    reasons,
  ];
  if (draft) {
    const note = el('input', { class: 'note-input', attrs: { type: 'text', placeholder: 'Note (optional) — Enter saves, Esc cancels', 'aria-label': 'Flag note' } });
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
    children.push(
      el(
        'div',
        { class: 'draft' },
        el('span', { text: `${FLAG_REASON_LABELS[draft.reason]} → ${draft.sentence === null ? 'pair' : `sentence ${draft.sentence + 1}`}` }),
        note,
        button('Save', () => intents.commitFlag(note.value)),
        button('Cancel', () => intents.cancelFlag(), undefined, 'secondary'),
      ),
    );
  }
  children.push(pair.flags.length ? flagList(pair, intents) : el('p', { class: 'empty', text: 'No flags on this pair.' }));
  return el('section', { class: 'flags' }, ...children);
}

function flagList(pair: PairView, intents: Intents): HTMLElement {
  const list = el('ul', { class: 'flag-list' });
  const sorted = [...pair.flags].sort((a, b) => (a.sentence ?? -1) - (b.sentence ?? -1));
  for (const f of sorted) list.append(flagItem(pair, f, intents));
  return list;
}

function flagItem(pair: PairView, f: FlagView, intents: Intents): HTMLElement {
  const what = f.sentence === null ? 'pair' : `sentence ${f.sentence + 1}`;
  const when = f.at.replace('T', ' ').slice(0, 16);
  return el(
    'li',
    { class: 'flag-item', attrs: { 'data-sentence': f.sentence === null ? 'pair' : String(f.sentence) }, title: f.sentence === null ? '' : pair.sentences[f.sentence]?.text ?? '' },
    el('span', { class: 'flag-what', text: `⚑ ${what}` }),
    el('span', { class: 'flag-reason', text: FLAG_REASON_LABELS[f.reason] }),
    f.note ? el('span', { class: 'flag-note', text: `“${f.note}”` }) : null,
    el('span', { class: 'flag-by', text: `${f.reviewer}, ${when}` }),
    button('Unflag', () => intents.unflag(f.sentence), `Remove this flag (u removes the selected sentence's, else the pair's)`, 'secondary small'),
  );
}

export function renderOthers(pair: PairView, intents: Intents): HTMLElement {
  const section = el('section', { class: 'others' }, el('h2', { text: 'Reports that fit this image best' }));
  if (!pair.bestReports.length) {
    section.append(el('p', { class: 'empty', text: 'None recorded.' }));
    return section;
  }
  const list = el('ol', { class: 'other-list' });
  for (const b of pair.bestReports) {
    const link = button(b.id, () => intents.openOther(b.id), `Open pair ${b.id} beside this one`, 'link');
    list.append(el('li', {}, link, el('span', { class: 'other-score', text: b.score.toFixed(3) })));
  }
  section.append(list, el('p', { class: 'hint', text: 'Click to open that pair beside this one.' }));
  return section;
}

export function renderKeys(state: PanelState): HTMLElement {
  const table = el('dl', { class: 'keys' });
  for (const b of visibleBindings(state.keymap, state.mode)) {
    const keys = el('dt');
    b.keys.forEach((k, i) => keys.append(...(i ? [' ', kbd(keyLabel(k))] : [kbd(keyLabel(k))])));
    table.append(keys, el('dd', { text: b.label }));
  }
  table.append(el('dt', {}, kbd('wheel')), el('dd', { text: 'zoom' }), el('dt', {}, kbd('drag')), el('dd', { text: 'pan' }), el('dt', {}, kbd('Shift+drag')), el('dd', { text: 'window / level (16-bit, DICOM)' }));
  return el('section', { class: 'key-legend' }, el('h2', { text: 'Keys' }), table);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
