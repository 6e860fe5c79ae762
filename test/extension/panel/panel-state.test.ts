// The review panel's state as built from a real ReviewSession: every reviewer's verdicts (mine
// marked), the adjudication, the outcome, progress, and sentence flags that follow their sentence
// or are listed as orphaned when the report changed.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PairResult } from '../../../src/engine/results';
import { buildPanelState, type StateTarget } from '../../../src/extension/panel/panel-state';
import { ReviewSession } from '../../../src/extension/review/review-session';
import { checkHostToWebview, type PanelState } from '../../../src/protocol/review-panel-protocol';
import { pair, saved } from '../../helpers/review-fixtures';

const imageRef = (p: PairResult, i: number) => ({ name: p.images[i]!, source: { kind: 'pixels' as const } });

describe('review panel state', () => {
  let dir: string;
  let session: ReviewSession;
  const pairs = () => [
    pair('a', 1, 'Right effusion. No pneumothorax.', [0.1, 0.3], { bestReports: [{ id: 'b', cosine: 0.4 }] }),
    pair('b', 2, 'Normal heart size.'),
    pair('c', 3, 'Clear lungs.'),
  ];

  /** The state of a follow panel on `pairId`, checked as the webview checks it. */
  async function stateOf(pairId: string, sentence: number | null = null): Promise<PanelState> {
    const target: StateTarget = { mode: 'follow', pairId, sentence };
    const state = buildPanelState(session, target, { pair: await session.pairDetails(pairId) }, imageRef);
    const checked = checkHostToWebview({ type: 'state', state });
    assert.ok(checked.ok, checked.ok ? '' : checked.problem);
    return state;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-panel-state-'));
    session = new ReviewSession(dir, saved(pairs()), { reviewer: 'dr-a' });
    await session.load();
  });
  afterEach(async () => {
    session.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the verdicts of two reviewers, mine marked, and that they disagree until adjudicated', async () => {
    await session.verdict('a', 'aligned', { note: 'fine' });
    session.setReviewer('dr-b');
    await session.verdict('a', 'mismatched', { reason: 'laterality', note: 'left, not right', useReportOf: 'b' });
    await session.verdict('b', 'unsure');
    session.setReviewer('dr-a');

    let s = await stateOf('a');
    assert.equal(s.reviewer, 'dr-a');
    const verdicts = s.pair!.verdicts.map(({ at, ...v }) => (assert.match(at, /^\d{4}-\d\d-\d\dT/), v));
    assert.deepEqual(verdicts, [
      { reviewer: 'dr-a', verdict: 'aligned', reason: null, note: 'fine', mine: true },
      {
        reviewer: 'dr-b',
        verdict: 'mismatched',
        reason: 'laterality',
        note: 'left, not right',
        useReportOf: 'b',
        mine: false,
      },
    ]);
    assert.deepEqual([s.pair!.disagreed, s.pair!.outcome, s.pair!.adjudication], [true, 'disagreed', null]);
    assert.deepEqual(s.progress, { reviewed: 2, total: 3, mine: 1, share: null, disagreed: 1 });

    // Seen by dr-b, the same verdicts: now theirs is the one marked.
    session.setReviewer('dr-b');
    s = await stateOf('a');
    assert.deepEqual(
      s.pair!.verdicts.map((v) => [v.reviewer, v.mine]),
      [
        ['dr-a', false],
        ['dr-b', true],
      ],
    );
    assert.deepEqual(s.progress, { reviewed: 2, total: 3, mine: 2, share: null, disagreed: 1 });

    session.setReviewer('dr-c');
    await session.adjudicate('a', 'mismatched', { reason: 'laterality' });
    s = await stateOf('a');
    assert.deepEqual(
      { ...s.pair!.adjudication, at: undefined },
      { reviewer: 'dr-c', verdict: 'mismatched', reason: 'laterality', note: '', at: undefined },
    );
    assert.deepEqual([s.pair!.disagreed, s.pair!.outcome], [true, 'mismatched'], 'still disagreed, but settled');
    assert.equal(s.progress.disagreed, 0);
    assert.ok(
      s.pair!.verdicts.every((v) => !v.mine),
      'dr-c gave no verdict of their own',
    );

    const unjudged = await stateOf('c');
    assert.deepEqual(
      [unjudged.pair!.verdicts, unjudged.pair!.adjudication, unjudged.pair!.outcome, unjudged.pair!.disagreed],
      [[], null, 'unreviewed', false],
    );
  });

  it('counts my share when the assignment names me', async () => {
    await session.assign(['dr-a', 'dr-b'], 0);
    const share = session.assignment!.shares['dr-a']!;
    await session.verdict(share[0]!, 'aligned');
    const s = await stateOf(share[0]!);
    assert.deepEqual(s.progress.share, { reviewed: 1, assigned: share.length });
    assert.equal(s.progress.mine, 1);
    session.setReviewer('dr-z'); // not in the assignment
    assert.equal((await stateOf('a')).progress.share, null);
  });

  it('puts flags on the sentence they follow and lists flags whose sentence is gone as orphaned, with the text they had', async () => {
    await session.flag({ pairId: 'a', sentence: 0 }, 'laterality', 'says right');
    session.setReviewer('dr-b');
    await session.flag({ pairId: 'a', sentence: 1 }, 'finding-absent', '');
    session.setReviewer('dr-a');

    let s = await stateOf('a', 1);
    assert.deepEqual(
      s.pair!.flags.map((f) => [f.sentence, f.reason, f.reviewer, f.mine]),
      [
        [0, 'laterality', 'dr-a', true],
        [1, 'finding-absent', 'dr-b', false],
      ],
    );
    assert.equal(s.pair!.orphanedFlags.length, 0);
    assert.equal(s.progress.reviewed, 0, 'sentence flags alone do not make a pair reviewed');

    // The report is edited: the first sentence now says left, one is inserted before "No pneumothorax.".
    const edited = pairs();
    edited[0] = pair('a', 1, 'Left effusion. Heart normal. No pneumothorax.');
    session.setResults(saved(edited));
    s = await stateOf('a');
    assert.deepEqual(
      s.pair!.flags.map((f) => [f.sentence, f.reviewer]),
      [[2, 'dr-b']],
      'dr-b’s flag followed its sentence to index 2',
    );
    assert.deepEqual(
      s.pair!.orphanedFlags.map(({ at, ...f }) => (assert.ok(at), f)),
      [
        {
          text: 'Right effusion.',
          sentence: 0,
          reason: 'laterality',
          note: 'says right',
          reviewer: 'dr-a',
          mine: true,
        },
      ],
      'never moved onto "Left effusion."',
    );
  });

  it('says nothing is scored without a session, with empty progress', () => {
    const s = buildPanelState(
      undefined,
      { mode: 'follow', pairId: undefined, sentence: null },
      { pair: undefined },
      imageRef,
    );
    assert.equal(s.pair, null);
    assert.equal(s.reviewer, '');
    assert.deepEqual(s.progress, { reviewed: 0, total: 0, mine: 0, share: null, disagreed: 0 });
    assert.match(s.notice!, /Nothing scored yet/);
    assert.ok(checkHostToWebview({ type: 'state', state: s }).ok);
  });
});
