// The pairs view, review commands and inline report features, in a real extension host, on the
// generated 6-pair workspace (see make-workspace.ts). Commands are driven through their
// automation arguments so that no picker or dialog opens.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as vscode from 'vscode';
import { until } from './itest-helpers';
import type { PairResult } from '../../src/engine/results';
import type { RadalignApi } from '../../src/extension/extension';
import type { ReviewSession } from '../../src/extension/review/review-session';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';
import type { AssignOutcome } from '../../src/extension/views/assign-command';
import type { ExportCleanOutcome } from '../../src/extension/views/export-clean-command';
import type { ExportOutcome } from '../../src/extension/views/export-command';
import type { FlagOutcome } from '../../src/extension/views/flag-commands';
import { reviewText } from '../../src/extension/views/pair-rows';
import { PairsTreeProvider, type PairNode } from '../../src/extension/views/pairs-tree';
import { PAIRS_VIEW_TEST_HOOK_COMMAND } from '../../src/extension/views/register-views';
import type { SelectModelOutcome } from '../../src/extension/views/select-model-command';
import type { SummaryOutcome } from '../../src/extension/views/summary-command';
import type { VerdictOutcome } from '../../src/extension/views/verdict-commands';

const EXTENSION_ID = 'radalign.radalign';

const VIEW_COMMANDS = [
  'radalign.nextPair',
  'radalign.previousPair',
  'radalign.nextUnreviewedPair',
  'radalign.flagPair',
  'radalign.flagSentence',
  'radalign.exportReview',
  'radalign.selectModel',
  'radalign.showSkipped',
  'radalign.filterPairs',
  'radalign.clearFilter',
  'radalign.showFlaggedOnly',
  'radalign.showAllPairs',
  'radalign.showPairsByReview',
  'radalign.showUnreviewedPairs',
  'radalign.showDisagreedPairs',
  'radalign.openPair',
  'radalign.showSentence',
  'radalign.markAligned',
  'radalign.markMismatched',
  'radalign.markUnsure',
  'radalign.clearVerdict',
  'radalign.adjudicatePair',
  'radalign.assignPairs',
  'radalign.reviewSummary',
  'radalign.exportClean',
];

/** Clears every live verdict, adjudication and flag the session holds, each as its own reviewer. */
async function clearReview(session: ReviewSession): Promise<void> {
  const me = session.reviewer;
  try {
    for (const e of [...session.entries]) {
      session.setReviewer(e.reviewer);
      if (e.kind === 'verdict') await session.verdict(e.pair, null);
      else if (e.kind === 'adjudication') await session.adjudicate(e.pair, null);
      else await session.removeFlag(e);
    }
  } finally {
    session.setReviewer(me);
  }
  await session.load(); // the assignment file, removed, is forgotten
  assert.deepEqual(session.entries, []);
  assert.equal(session.assignment, undefined);
}

function workspaceFolder(): string {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(ws, 'the runner opens a workspace folder');
  return ws;
}

describe('radalign views and review commands', () => {
  let api: RadalignApi;
  let session: ReviewSession;
  let ranked: PairResult[];

  before(async () => {
    api = await vscode.extensions.getExtension<RadalignApi>(EXTENSION_ID)!.activate();
    rmSync(join(workspaceFolder(), '.radalign', 'review.jsonl'), { force: true });
    rmSync(join(workspaceFolder(), '.radalign', 'assignment.json'), { force: true });
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const latest = api.sessions.scored!.results;
    session = await until('the session to follow the new results', () =>
      api.sessions.current?.results === latest ? api.sessions.current : undefined,
    );
    // Verdicts and flags another test file may have left in memory are not ours to count.
    await clearReview(session);
    ranked = await Promise.all(session.ids().map(async (id) => (await session.pairDetails(id))!));
    assert.deepEqual(
      ranked.map((p) => p.rank),
      [1, 2, 3, 4, 5, 6],
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every view command after scoring', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of VIEW_COMMANDS) assert.ok(registered.has(c), `${c} is registered`);
  });

  it('lists the pairs in rank order, and filters them', async () => {
    const provider = new PairsTreeProvider(api.sessions);
    const roots = (await provider.getChildren()) as PairNode[];
    assert.deepEqual(
      roots.map((n) => n.pairId),
      ranked.map((p) => p.id),
      'six pairs: one page, no "show more" row',
    );
    const item = await provider.getTreeItem(roots[0]);
    assert.equal(item.label, `#1 ${ranked[0].id}`);
    assert.match(String(item.description), /^suspicion \d\.\d\d · score -?\d\.\d{3}$/);
    assert.deepEqual(item.command?.arguments, [{ pairId: ranked[0].id, sentence: null }]);
    const resolved = await provider.resolveTreeItem(item, roots[0]);
    assert.match(String(resolved.tooltip), /reports fitting the image better: \d+%/);
    assert.equal((await provider.getChildren(roots[0])).length, ranked[0].sentences.length);
    provider.dispose();

    // The registered view, through its commands.
    assert.deepEqual(
      await vscode.commands.executeCommand<string[]>('radalign.clearFilter'),
      ranked.map((p) => p.id),
    );
    assert.deepEqual(
      await vscode.commands.executeCommand<string[]>('radalign.filterPairs', { text: ranked[3].id.toUpperCase() }),
      [ranked[3].id],
    );
    assert.deepEqual(
      await vscode.commands.executeCommand<string[]>('radalign.showFlaggedOnly'),
      [],
      'nothing flagged yet',
    );
    assert.deepEqual(
      await vscode.commands.executeCommand<string[]>('radalign.clearFilter'),
      ranked.map((p) => p.id),
    );
  });

  it('moves the session selection through the pairs in rank order', async () => {
    session.select(undefined);
    assert.equal(await vscode.commands.executeCommand<string>('radalign.nextPair'), ranked[0].id);
    assert.equal(session.selected?.pairId, ranked[0].id);
    assert.equal(await vscode.commands.executeCommand<string>('radalign.nextPair'), ranked[1].id);
    assert.equal(session.selected?.pairId, ranked[1].id);
    assert.equal(await vscode.commands.executeCommand<string>('radalign.previousPair'), ranked[0].id);
    await vscode.commands.executeCommand('radalign.showSentence', { pairId: ranked[2].id, sentence: 1 });
    assert.deepEqual(session.selected, { pairId: ranked[2].id, sentence: 1 });
  });

  describe('an open report of a scored pair', () => {
    let doc: vscode.TextDocument;
    let pair: PairResult;

    before(async () => {
      pair = ranked[0];
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceFolder(), pair.reportFile!)));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.getText(), pair.reportText, 'the report is unchanged since scoring');
    });

    it('has code lenses with its rank and suspicion, Open review and Flag pair', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      const titles = lenses.map((l) => l.command?.title ?? '');
      // Its standing follows (the export test before this one flagged a sentence of it).
      const head = `radalign: rank 1 of 6 · suspicion ${pair.suspicion.toFixed(2)}`;
      const standing = reviewText(session.review.get(pair.id));
      assert.ok(titles.includes(standing ? `${head} · ${standing}` : head), titles.join(' | '));
      assert.ok(titles.includes('Open review') && titles.includes('Flag pair…'), titles.join(' | '));
      assert.ok(titles.includes('Aligned') && titles.includes('Unsure'), titles.join(' | '));
      assert.ok(lenses.every((l) => l.range.start.line === 0));
    });

    it('has a hover per sentence with its score, heatmap and actions', async () => {
      const k = pair.sentences.length - 1;
      const s = pair.sentences[k];
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        doc.positionAt(s.start + 1),
      );
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, new RegExp(`sentence ${k + 1} of ${pair.sentences.length}`));
      assert.ok(text.includes(`score **${s.evidence.toFixed(3)}**`), text);
      assert.ok(s.heatmap, 'the fixture model has patch outputs, so sentences have heatmaps');
      assert.match(text, /!\[heatmap of sentence \d+\]\(data:image\/png;base64,[A-Za-z0-9+/]+=*\)/);
      assert.match(text, /command:radalign\.showSentence\?/);
      assert.match(text, /command:radalign\.flagSentence\?/);
    });

    it('says "changed since scoring" instead of sentence ranges once edited', async () => {
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Edited. '));
      try {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          doc.uri,
        );
        assert.deepEqual(
          lenses.map((l) => l.command?.title),
          [`radalign: report changed since scoring — rescore ${workspaceFolder().split(/[\\/]/).pop()}`],
        );
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          doc.uri,
          doc.positionAt(12),
        );
        assert.equal(
          hovers.filter((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('radalign')))
            .length,
          0,
        );
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      assert.equal(doc.getText(), pair.reportText);
    });
  });

  it('exports as CSV exactly the flags made with Flag pair / Flag sentence', async () => {
    const flagged = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', {
      pairId: ranked[1].id,
      reason: 'laterality',
      note: 'L/R "swapped", see PA',
    });
    assert.equal(flagged.status, 'flagged', JSON.stringify(flagged));
    const sentence = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagSentence', {
      pairId: ranked[0].id,
      sentence: 0,
      reason: 'finding-absent',
    });
    assert.deepEqual(sentence, {
      status: 'flagged',
      pairId: ranked[0].id,
      sentence: 0,
      reason: 'finding-absent',
      note: '',
    });
    assert.deepEqual(session.selected, { pairId: ranked[0].id, sentence: 0 }, 'a sentence flag selects its sentence');
    await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[2].id, reason: 'other' });
    assert.equal(
      (await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[2].id, reason: null }))
        .status,
      'unflagged',
    );
    const bad = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', {
      pairId: ranked[0].id,
      reason: 'typo',
    });
    assert.equal(bad.status, 'failed');

    // The review file on disk holds them too.
    const onDisk = readFileSync(session.reviewFile, 'utf8');
    assert.match(onDisk, /"reason":"laterality"/);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.showFlaggedOnly'), [
      ranked[0].id,
      ranked[1].id,
    ]);
    await vscode.commands.executeCommand('radalign.clearFilter');

    const dir = mkdtempSync(join(tmpdir(), 'radalign-itest-export-'));
    try {
      const target = join(dir, 'review.csv');
      const outcome = await vscode.commands.executeCommand<ExportOutcome>('radalign.exportReview', {
        format: 'csv',
        target,
      });
      assert.deepEqual(outcome, { status: 'written', target, format: 'csv', rows: 2 });
      const rows = parse(readFileSync(target, 'utf8'), { columns: true }) as Record<string, string>[];
      assert.deepEqual(
        rows.map((r) => [r.pair, r.target, r.sentence, r.reason, r.note, r.rank, r.sentenceText]),
        [
          [ranked[0].id, 'sentence', '0', 'finding-absent', '', '1', ranked[0].sentences[0].text],
          [ranked[1].id, 'pair', '', 'laterality', 'L/R "swapped", see PA', '2', ''],
        ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      for (const r of rows) assert.ok(r.reviewer.length > 0 && !Number.isNaN(Date.parse(r.at)));

      const json = join(dir, 'review.json');
      assert.equal(
        (await vscode.commands.executeCommand<ExportOutcome>('radalign.exportReview', { target: json })).status,
        'written',
      );
      assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { entries: unknown[] }).entries.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('team review: two reviewers on overlapping shares', () => {
    const config = () => vscode.workspace.getConfiguration('radalign');
    let configured: string | undefined;
    const reviewAs = async (name: string) => {
      await config().update('reviewerName', name, vscode.ConfigurationTarget.Global);
      await until(`the session to review as ${name}`, () => session.reviewer === name);
    };
    const verdict = async (command: string, args: object) => {
      const outcome = await vscode.commands.executeCommand<VerdictOutcome>(command, args);
      assert.equal(outcome.status, 'recorded', JSON.stringify(outcome));
      return outcome;
    };

    before(async () => {
      configured = config().inspect<string>('reviewerName')?.globalValue;
      await clearReview(session);
    });
    after(async () => {
      await config().update('reviewerName', configured, vscode.ConfigurationTarget.Global);
      await until('the identity from before', () => session.reviewer !== 'ben' && session.reviewer !== 'ann');
      rmSync(join(workspaceFolder(), '.radalign', 'assignment.json'), { force: true });
      await clearReview(session);
    });

    it("assigns shares, records each reviewer's verdicts under the name from the setting, shows disagreements and agreement, settles one, exports clean", async () => {
      const assigned = await vscode.commands.executeCommand<AssignOutcome>('radalign.assignPairs', {
        reviewers: ['ann', 'ben'],
        overlap: 0.5,
      });
      assert.equal(assigned.status, 'assigned', JSON.stringify(assigned));
      if (assigned.status !== 'assigned') return;
      assert.equal(assigned.twice, 3, 'half of 6 pairs reviewed twice');
      assert.equal(assigned.shares.ann + assigned.shares.ben, 9);
      const shares = session.assignment!.shares;
      const both = shares.ann!.filter((id) => shares.ben!.includes(id));
      assert.equal(both.length, 3);
      const contested = both[0]!;

      await reviewAs('ann');
      assert.deepEqual(session.myShare(), shares.ann);
      for (const id of shares.ann!) {
        if (id === contested)
          await verdict('radalign.markMismatched', { pairId: id, reason: 'laterality', note: 'L/R swapped' });
        else await verdict('radalign.markAligned', { pairId: id });
      }
      await reviewAs('ben');
      for (const id of shares.ben!) await verdict('radalign.markAligned', { pairId: id });
      session.select(undefined);
      assert.equal(
        await vscode.commands.executeCommand<string>('radalign.nextUnreviewedPair'),
        undefined,
        "ben's share is done",
      );

      // The disagreement view, with each reviewer's verdict on the row.
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.showDisagreedPairs'), [contested]);
      const { provider } = await vscode.commands.executeCommand<{ provider: PairsTreeProvider }>(
        PAIRS_VIEW_TEST_HOOK_COMMAND,
      );
      const row = await provider.getTreeItem({ pairId: contested, sentence: null });
      assert.match(String(row.description), /≠ ann: mismatched · ben: aligned$/);
      assert.match(String(row.contextValue), /^radalign\.pair\.reviewed\.disagreed$/);

      // Agreement figures over the 3 pairs both judged.
      const built = await vscode.commands.executeCommand<SummaryOutcome>('radalign.reviewSummary', { open: false });
      assert.equal(built.status, 'built');
      if (built.status !== 'built') return;
      assert.deepEqual([built.summary.total, built.summary.reviewed, built.summary.disagreed], [6, 6, [contested]]);
      assert.deepEqual(
        built.summary.agreement.kappa.map((k) => [k.a, k.b, k.pairs]),
        [['ann', 'ben', 3]],
      );
      assert.equal(built.summary.agreement.pairs, 3);
      assert.deepEqual(
        [built.summary.reviewers.ann?.assignedReviewed, built.summary.reviewers.ben?.assignedReviewed],
        [shares.ann!.length, shares.ben!.length],
      );
      assert.match(built.markdown, /\| ann – ben \| 3 \| (-?\d\.\d\d|n\/a) \|/);

      // One adjudication settles it; the disagreement view keeps it, marked.
      const settled = await verdict('radalign.adjudicatePair', {
        pairId: contested,
        verdict: 'mismatched',
        reason: 'laterality',
      });
      assert.deepEqual(
        [settled.status === 'recorded' && settled.kind, session.review.outcome(contested)],
        ['adjudication', 'mismatched'],
      );
      assert.deepEqual(session.progress().disagreed, []);
      assert.deepEqual(session.progress().adjudicated, [contested]);
      assert.match(
        String((await provider.getTreeItem({ pairId: contested, sentence: null })).description),
        /⚖ mismatched: laterality \(left\/right\) \(adjudicated\) · ann: mismatched · ben: aligned$/,
      );
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.showPairsByReview', 'mismatched'), [
        contested,
      ]);
      await vscode.commands.executeCommand('radalign.clearFilter');

      // The clean export leaves the mismatched pair out; the dataset folder is not written to.
      const out = mkdtempSync(join(tmpdir(), 'radalign-itest-clean-'));
      try {
        const cleaned = await vscode.commands.executeCommand<ExportCleanOutcome>('radalign.exportClean', {
          outDir: out,
        });
        assert.equal(cleaned.status, 'written', JSON.stringify(cleaned));
        if (cleaned.status !== 'written') return;
        assert.deepEqual([cleaned.counts.pairs, cleaned.counts.written, cleaned.counts.dropped], [6, 5, 1]);
        const manifest = parse(readFileSync(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<
          string,
          string
        >[];
        assert.equal(manifest.length, 5);
        assert.ok(!JSON.stringify(manifest).includes(`"${contested}"`), 'the mismatched pair is left out');
        assert.ok(readFileSync(cleaned.summaryFile, 'utf8').includes(contested), 'the summary says what was dropped');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  it('Select model checks the folder and stores it in the workspace folder settings', async () => {
    const config = () => vscode.workspace.getConfiguration('radalign', vscode.Uri.file(workspaceFolder()));
    const before = config().inspect<string>('modelPath');
    const fixture = before?.workspaceFolderValue ?? before?.workspaceValue;
    assert.ok(fixture, 'the runner set a model for the workspace');
    try {
      const broken = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', {
        folder: join(workspaceFolder(), 'no-such-model'),
      });
      assert.equal(broken.status, 'failed');
      if (broken.status === 'failed') assert.match(broken.message, /no-such-model: model folder does not exist/);
      assert.equal(config().get('modelPath'), fixture, 'a failed check changes nothing');

      const ok = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', { folder: fixture });
      assert.deepEqual(ok, { status: 'selected', setting: fixture, target: 'workspaceFolder' });
      assert.equal(config().inspect<string>('modelPath')?.workspaceFolderValue, fixture);
    } finally {
      await config().update('modelPath', before?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder);
      if (before?.workspaceValue !== undefined)
        await config().update('modelPath', before.workspaceValue, vscode.ConfigurationTarget.Workspace);
    }
  });
});
