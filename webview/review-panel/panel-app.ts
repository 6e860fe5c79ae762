// The review panel's webview: renders the host's state, keeps view settings (colour map,
// opacity, overlay) in the webview's saved state, turns keys and clicks into intents for the host,
// and reports what it drew (read back from its own DOM, so tests see what the page shows).
import { isFlagReason, isVerdict, type Verdict } from '../../src/engine/review/types';
import { COLORMAP_NAMES, type PersistedPanelState, type ViewSettings } from '../../src/protocol/panel-persisted-state';
import type {
  InputStep,
  Inspection,
  KeyAction,
  PanelState,
  RenderReport,
  WebviewToHost,
} from '../../src/protocol/review-panel-protocol';
import { colormapGradient } from './colormaps';
import { clear, el } from './dom';
import { ImageStore, type LoadedImage } from './image-store';
import { ImageViewer } from './image-viewer';
import { l10n } from './l10n';
import { valueRange } from './heatmap-raster';
import { actionForKey } from './keymap-dispatch';
import {
  renderFlags,
  renderHeader,
  renderKeys,
  renderOthers,
  renderReport,
  renderVerdicts,
  type FlagDraft,
  type Intents,
} from './sections';
import { describeError } from '../../src/engine/describe-error';
import { useLabels } from './review-labels';

export interface AppDeps {
  post(message: WebviewToHost): void;
  save(state: PersistedPanelState): void;
  images: ImageStore;
  initialView: ViewSettings;
}

export class PanelApp {
  private state: PanelState | undefined;
  private view: ViewSettings;
  private hovered: number | null = null;
  private draft: FlagDraft | undefined;
  private activeImage = 0;
  private imagePair: string | null = null;
  private imageLoaded = false;
  private lastReport = '';
  private readonly header = el('div', { class: 'header-slot' });
  private readonly side = el('aside', { class: 'side' });
  private readonly tabs = el('div', { class: 'image-tabs' });
  private readonly toolbar = el('div', { class: 'toolbar' });
  private readonly readout = el('span', { class: 'readout' });
  private readonly status = el('div', { class: 'viewer-status' });
  private readonly viewer: ImageViewer;
  private readonly intents: Intents;

  constructor(
    root: HTMLElement,
    private readonly deps: AppDeps,
  ) {
    this.view = { ...deps.initialView };
    const viewerHost = el('div', { class: 'viewer' });
    clear(root).append(
      this.header,
      el(
        'main',
        { class: 'body' },
        el('section', { class: 'viewer-pane' }, this.tabs, viewerHost, this.status, this.toolbar),
        this.side,
      ),
    );
    this.viewer = new ImageViewer(
      viewerHost,
      (t) => (this.readout.textContent = t),
      () => this.renderToolbar(),
    );
    this.intents = this.makeIntents();
    window.addEventListener('keydown', (e) => this.onKey(e));
  }

  setState(state: PanelState): void {
    const pairChanged = state.pair?.id !== this.state?.pair?.id;
    this.state = state;
    if (pairChanged) {
      this.hovered = null;
      this.draft = undefined;
    }
    this.persist();
    // Another pair starts at its verdicts, not where the last one was scrolled to (render then scrolls to a selected sentence).
    if (pairChanged) this.side.scrollTop = 0;
    this.render();
  }

  /** The test hook's path: performs keystrokes and typing as a user would, through the same handlers. */
  simulate(steps: InputStep[]): void {
    for (const step of steps) {
      const target = (document.activeElement as HTMLElement | null) ?? document.body;
      if ('text' in step) {
        if (target instanceof HTMLInputElement) {
          target.value += step.text;
          target.dispatchEvent(new Event('input', { bubbles: true }));
        }
      } else if ('click' in step) {
        const element = document.querySelector<HTMLElement>(step.click);
        if (!element) throw new Error(`nothing to click: no element matches ${step.click}`);
        element.click();
      } else {
        target.dispatchEvent(
          new KeyboardEvent('keydown', {
            key: step.key,
            shiftKey: step.shift ?? false,
            bubbles: true,
            cancelable: true,
          }),
        );
      }
    }
  }

  /** What is on screen now: the review parts are read from the rendered DOM, not from the state. */
  report(): RenderReport {
    const pair = this.state?.pair;
    const heatmapSentence = this.heatmapSentence();
    const all = (selector: string): HTMLElement[] => [...this.side.querySelectorAll<HTMLElement>(selector)];
    const text = (root: Element, selector: string): string => root.querySelector(selector)?.textContent ?? '';
    const verdictOf = (root: Element | null): Verdict | null => {
      const v = root?.querySelector('.verdict-value')?.textContent;
      return isVerdict(v) ? v : null;
    };
    const reasonOf = (item: Element) => item.getAttribute('data-reason');
    const index = (v: string | null): number | null => (v !== null && /^\d+$/.test(v) ? Number(v) : null);
    return {
      pairId: pair?.id ?? null,
      sentences: pair?.sentences.length ?? 0,
      selectedSentence: this.state?.sentence ?? null,
      heatmapSentence,
      heatmapDrawn: this.viewer.overlayDrawn,
      imageIndex: this.activeImage,
      imageLoaded: this.imageLoaded,
      reportShown: shownText(this.side.querySelector('.report-text')),
      flagsShown: all('.flag-list:not(.orphan-list) > .flag-item').flatMap((item) => {
        const reason = reasonOf(item);
        return isFlagReason(reason)
          ? [
              {
                sentence: index(item.getAttribute('data-sentence')),
                reason,
                reviewer: text(item, '.flag-reviewer'),
                text: item.textContent ?? '',
              },
            ]
          : [];
      }),
      orphanedFlagsShown: all('.orphan-list > .flag-item').flatMap((item) => {
        const reason = reasonOf(item);
        return isFlagReason(reason)
          ? [{ text: text(item, '.orphan-text'), reason, reviewer: text(item, '.flag-reviewer') }]
          : [];
      }),
      verdictsShown: all('.verdict-list > .verdict-item').flatMap((item) => {
        const verdict = verdictOf(item);
        return verdict
          ? [
              {
                reviewer: text(item, '.verdict-reviewer'),
                verdict,
                mine: item.querySelector('.you-badge') !== null,
                text: item.textContent ?? '',
              },
            ]
          : [];
      }),
      adjudicationShown: verdictOf(this.side.querySelector('.adjudication')),
      disagreedShown: this.side.querySelector('.disagreed-marker') !== null,
      settleShown: all('.settle .settle-button').flatMap((b) => {
        const v = b.getAttribute('data-verdict');
        return isVerdict(v) ? [v] : [];
      }),
      progressShown: this.header.querySelector('.progress')?.textContent ?? '',
      view: { ...this.view },
    };
  }

  /** The render report and the heatmap layer's pixels (read only on request: it costs a frame's worth). */
  inspect(): Inspection {
    this.viewer.drawNow();
    const { drawn, total } = this.viewer.overlayPixels();
    return { ...this.report(), heatmapPixels: drawn, viewerPixels: total };
  }

  // ---------------------------------------------------------------- rendering

  private render(): void {
    const state = this.state;
    if (!state) return;
    useLabels(state);
    this.header.replaceChildren(renderHeader(state, this.intents));
    const pair = state.pair;
    if (!pair) {
      this.side.replaceChildren(renderKeys(state));
      this.tabs.replaceChildren();
      this.viewer.setImage(undefined);
      this.viewer.setOverlay({ ...this.view, visible: this.view.overlay, heatmap: undefined });
      this.imageLoaded = false;
      this.afterRender();
      return;
    }
    this.side.replaceChildren(
      // Verdicts first: the pair's standing and my verdict buttons without scrolling.
      renderVerdicts(state, pair, this.intents),
      renderReport(pair, state.sentence, this.hovered, this.intents),
      renderFlags(state, pair, this.draft, this.intents),
      renderOthers(pair, this.intents),
      renderKeys(state),
    );
    if (this.draft) this.side.querySelector<HTMLInputElement>('.note-input')?.focus();
    this.scrollSelectedIntoView();
    this.renderImage();
  }

  /** Image and overlay: the image the shown heatmap belongs to, else the one the user picked. */
  private renderImage(): void {
    const pair = this.state!.pair!;
    if (pair.id !== this.imagePair) {
      this.imagePair = pair.id;
      this.activeImage = 0;
    }
    const sentence = this.heatmapSentence();
    const map = sentence === null ? undefined : pair.sentences[sentence]!.heatmap;
    if (map && map.imageIndex < pair.images.length) this.activeImage = map.imageIndex;
    this.renderTabs();
    this.renderToolbar();
    const index = this.activeImage;
    const ref = pair.images[index];
    this.viewer.setOverlay({
      heatmap: map && map.imageIndex === index ? map : undefined,
      visible: this.view.overlay,
      colormap: this.view.colormap,
      opacity: this.view.opacity,
    });
    if (!ref) return this.afterRender();
    this.deps.images.load(pair.id, index, ref).then(
      (image) => {
        if (this.state?.pair?.id !== pair.id || this.activeImage !== index) return; // moved on meanwhile
        this.showImage(image);
      },
      (e: unknown) => {
        if (this.state?.pair?.id !== pair.id || this.activeImage !== index) return;
        const message = describeError(e);
        this.status.textContent = l10n.t('Cannot show {0}: {1}', ref.name, message);
        this.deps.post({ type: 'problem', message: `image ${ref.name}: ${message}` });
        this.showImage(undefined);
      },
    );
  }

  private showImage(image: LoadedImage | undefined): void {
    if (image) this.status.textContent = '';
    this.imageLoaded = image !== undefined;
    this.viewer.setImage(image);
    this.renderToolbar();
    this.afterRender();
  }

  private renderTabs(): void {
    const pair = this.state!.pair!;
    if (pair.images.length < 2) {
      this.tabs.replaceChildren(el('span', { class: 'image-name', text: pair.images[0]?.name ?? l10n.t('no image') }));
      return;
    }
    this.tabs.replaceChildren(
      ...pair.images.map((img, i) => {
        const b = el('button', { class: i === this.activeImage ? 'tab active' : 'tab', text: `${i + 1}: ${img.name}` });
        b.type = 'button';
        b.addEventListener('click', () => {
          this.activeImage = i;
          this.renderImage();
        });
        return b;
      }),
    );
  }

  private renderToolbar(): void {
    const pair = this.state?.pair;
    const sentence = this.heatmapSentence();
    const map = pair && sentence !== null ? pair.sentences[sentence]!.heatmap : undefined;
    const overlay = el(
      'label',
      { class: 'toggle', title: l10n.t('Heatmap on/off (h)') },
      el('input', { attrs: { type: 'checkbox' } }),
      l10n.t(' heatmap'),
    );
    const box = overlay.querySelector('input')!;
    box.checked = this.view.overlay;
    box.addEventListener('change', () => this.updateView({ overlay: box.checked }));

    const select = el('select', { title: l10n.t('Colour map (c)'), attrs: { 'aria-label': l10n.t('Colour map') } });
    for (const name of COLORMAP_NAMES) select.append(el('option', { text: name, attrs: { value: name } }));
    select.value = this.view.colormap;
    select.addEventListener('change', () => this.updateView({ colormap: select.value as ViewSettings['colormap'] }));

    const opacity = el('input', {
      title: l10n.t('Heatmap opacity'),
      attrs: { type: 'range', min: '0', max: '1', step: '0.05', 'aria-label': l10n.t('Heatmap opacity') },
    });
    opacity.value = String(this.view.opacity);
    opacity.addEventListener('input', () => this.updateView({ opacity: Number(opacity.value) }, false));

    const bar = el('span', { class: 'colour-bar' });
    bar.style.setProperty('--gradient', colormapGradient(this.view.colormap));
    const range = map ? valueRange(map.values) : undefined;
    const scale = el(
      'span',
      {
        class: 'colour-scale',
        title: map
          ? map.kind === 'patch'
            ? l10n.t('Cosine of the sentence with each image patch')
            : l10n.t('Drop of the sentence score when the region is hidden')
          : l10n.t('Hover or select a sentence to see its heatmap'),
      },
      el('span', { text: range ? range.min.toFixed(3) : '–' }),
      bar,
      el('span', { text: range ? range.max.toFixed(3) : '–' }),
      el('span', {
        class: 'hint',
        text: map ? l10n.t('{0} · sentence {1}', map.kind, sentence! + 1) : l10n.t('no sentence'),
      }),
    );
    const parts: HTMLElement[] = [overlay, select, opacity, scale];
    const image = this.viewer.currentImage;
    if (image?.kind === 'pixels') parts.push(this.windowControls(image));
    parts.push(this.readout);
    this.toolbar.replaceChildren(...parts);
  }

  private windowControls(image: Extract<LoadedImage, { kind: 'pixels' }>): HTMLElement {
    // Shown in source units (e.g. DICOM modality units), not the 16-bit display samples.
    const { scale, offset } = image.pixel.units;
    const digits = scale === 1 ? 0 : 1;
    const level = (image.window.center * scale + offset).toFixed(digits);
    const width = (image.window.width * scale).toFixed(digits);
    return el(
      'span',
      {
        class: 'window',
        title: l10n.t('Window / level: Shift+drag on the image (right: wider, down: brighter); 0 resets'),
      },
      l10n.t('W {0} · L {1}', width, level),
    );
  }

  private updateView(change: Partial<ViewSettings>, rerenderToolbar = true): void {
    this.view = { ...this.view, ...change };
    this.persist();
    if (rerenderToolbar) this.renderToolbar();
    this.viewer.setOverlay({
      heatmap: this.currentOverlayMap(),
      visible: this.view.overlay,
      colormap: this.view.colormap,
      opacity: this.view.opacity,
    });
    this.afterRender();
  }

  private currentOverlayMap() {
    const pair = this.state?.pair;
    const s = this.heatmapSentence();
    const map = pair && s !== null ? pair.sentences[s]!.heatmap : undefined;
    return map && map.imageIndex === this.activeImage ? map : undefined;
  }

  private heatmapSentence(): number | null {
    return this.hovered ?? this.state?.sentence ?? null;
  }

  private scrollSelectedIntoView(): void {
    this.side.querySelector('.sentence.selected')?.scrollIntoView({ block: 'nearest' });
  }

  /** Draws now and tells the host what is on screen (only when it changed). */
  private afterRender(): void {
    this.viewer.drawNow();
    const report = this.report();
    const json = JSON.stringify(report);
    if (json === this.lastReport) return;
    this.lastReport = json;
    this.deps.post({ type: 'rendered', report });
  }

  private persist(): void {
    const s = this.state;
    this.deps.save({
      mode: s?.mode ?? 'follow',
      pairId: s?.pair?.id ?? null,
      sentence: s?.sentence ?? null,
      view: this.view,
    });
  }

  // ---------------------------------------------------------------- input

  private onKey(e: KeyboardEvent): void {
    const state = this.state;
    if (!state) return;
    const target = e.target as HTMLElement | null;
    // Form controls keep their own keys (the note field handles Enter/Escape itself).
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
    const action = actionForKey(state.keymap, e, state.mode);
    if (!action) return;
    e.preventDefault();
    this.perform(action);
  }

  private perform(action: KeyAction): void {
    const state = this.state!;
    const pair = state.pair;
    switch (action.type) {
      case 'next-pair':
        return this.intents.navigate('next');
      case 'previous-pair':
        return this.intents.navigate('previous');
      case 'next-unreviewed':
        return this.intents.navigate('next-unreviewed');
      case 'toggle-overlay':
        return this.updateView({ overlay: !this.view.overlay });
      case 'cycle-colormap':
        return this.updateView({
          colormap: COLORMAP_NAMES[(COLORMAP_NAMES.indexOf(this.view.colormap) + 1) % COLORMAP_NAMES.length]!,
        });
      case 'reset-view':
        this.viewer.resetView();
        return this.renderToolbar();
    }
    if (!pair) return;
    const n = pair.sentences.length;
    switch (action.type) {
      case 'next-sentence':
      case 'previous-sentence': {
        if (!n) return;
        const d = action.type === 'next-sentence' ? 1 : -1;
        const cur = state.sentence;
        return this.intents.selectSentence(cur === null ? (d > 0 ? 0 : n - 1) : (cur + d + n) % n);
      }
      case 'clear-sentence':
        return this.draft ? this.intents.cancelFlag() : this.intents.selectSentence(null);
      case 'flag':
        return this.intents.startFlag(action.reason);
      case 'verdict':
        return this.intents.verdict(action.verdict, { advance: true });
      case 'unflag': {
        // My flag on the selected sentence, else my verdict; others' flags and verdicts are theirs.
        if (state.sentence !== null && pair.flags.some((f) => f.mine && f.sentence === state.sentence))
          return this.intents.unflag(state.sentence);
        if (pair.verdicts.some((v) => v.mine)) return this.intents.verdict(null);
        return;
      }
    }
  }

  private makeIntents(): Intents {
    const pairId = (): string | undefined => this.state?.pair?.id;
    return {
      navigate: (to) => this.deps.post({ type: 'navigate', to }),
      selectSentence: (sentence) => {
        const id = pairId();
        if (id !== undefined) this.deps.post({ type: 'select-sentence', pairId: id, sentence });
      },
      hoverSentence: (index) => {
        if (index === this.hovered) return;
        this.hovered = index;
        for (const s of this.side.querySelectorAll('.sentence'))
          s.classList.toggle('hovered', s.getAttribute('data-index') === String(index));
        if (this.state?.pair) this.renderImage();
      },
      startFlag: (reason) => {
        if (!this.state?.pair) return;
        this.draft = { reason, sentence: this.state.sentence, note: this.draft?.note ?? '' };
        this.render();
      },
      commitFlag: (note) => {
        const id = pairId();
        const draft = this.draft;
        this.draft = undefined;
        if (id !== undefined && draft) {
          // No sentence: the reason is why the pair is mismatched (my verdict; no advance, the user may go on here).
          if (draft.sentence === null)
            this.deps.post({
              type: 'verdict',
              pairId: id,
              verdict: 'mismatched',
              reason: draft.reason,
              note: note.trim(),
            });
          else
            this.deps.post({
              type: 'flag',
              pairId: id,
              sentence: draft.sentence,
              reason: draft.reason,
              note: note.trim(),
            });
        }
        this.render();
      },
      cancelFlag: () => {
        this.draft = undefined;
        this.render();
      },
      unflag: (sentence) => {
        const id = pairId();
        if (id !== undefined && this.state?.pair?.flags.some((f) => f.mine && f.sentence === sentence))
          this.deps.post({ type: 'unflag', pairId: id, sentence });
      },
      removeOrphan: (flag) => {
        const id = pairId();
        if (id !== undefined)
          this.deps.post({ type: 'remove-orphaned-flag', pairId: id, text: flag.text, sentence: flag.sentence });
      },
      verdict: (verdict, details = {}) => {
        const id = pairId();
        if (id === undefined) return;
        const { reason, note, useReportOf, advance } = details;
        this.deps.post({
          type: 'verdict',
          pairId: id,
          verdict,
          ...(reason !== undefined ? { reason } : {}),
          ...(note !== undefined ? { note } : {}),
          ...(useReportOf !== undefined ? { useReportOf } : {}),
          ...(advance ? { advance } : {}),
        });
      },
      adjudicate: (verdict, details = {}) => {
        const id = pairId();
        if (id === undefined) return;
        const { reason, note, useReportOf } = details;
        this.deps.post({
          type: 'adjudicate',
          pairId: id,
          verdict,
          ...(reason !== undefined ? { reason } : {}),
          ...(note !== undefined ? { note } : {}),
          ...(useReportOf !== undefined ? { useReportOf } : {}),
        });
      },
      openOther: (id) => this.deps.post({ type: 'open-other', pairId: id }),
    };
  }
}

/** The text of `root` as read on the page: its text nodes, less the badges (⚑, ¬, i) set among them. */
function shownText(root: Element | null): string {
  if (!root) return '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let out = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    if (!node.parentElement?.closest('.badge')) out += node.nodeValue ?? '';
  return out;
}
