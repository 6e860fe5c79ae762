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
import type { ExportOutcome } from '../../src/extension/views/export-command';
import type { FlagOutcome } from '../../src/extension/views/flag-commands';
import { PairsTreeProvider, type PairNode } from '../../src/extension/views/pairs-tree';
import type { SelectModelOutcome } from '../../src/extension/views/select-model-command';

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
  'radalign.openPair',
  'radalign.showSentence',
];

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
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const latest = api.results.latest!.results;
    session = await until('the session to follow the new results', () => (api.sessions.current?.results === latest ? api.sessions.current : undefined));
    // Flags another test file may have left in memory are not ours to count.
    for (const f of [...session.flags]) await session.unflag({ pairId: f.pair, sentence: f.sentence }, 'test');
    ranked = await Promise.all(session.ids().map(async (id) => (await session.pairDetails(id))!));
    assert.deepEqual(ranked.map((p) => p.rank), [1, 2, 3, 4, 5, 6]);
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
    assert.deepEqual(roots.map((n) => n.pairId), ranked.map((p) => p.id), 'six pairs: one page, no "show more" row');
    const item = await provider.getTreeItem(roots[0]);
    assert.equal(item.label, `#1 ${ranked[0].id}`);
    assert.match(String(item.description), /^suspicion \d\.\d\d · score -?\d\.\d{3}$/);
    assert.deepEqual(item.command?.arguments, [{ pairId: ranked[0].id, sentence: null }]);
    const resolved = await provider.resolveTreeItem(item, roots[0]);
    assert.match(String(resolved.tooltip), /reports fitting the image better: \d+%/);
    assert.equal((await provider.getChildren(roots[0])).length, ranked[0].sentences.length);
    provider.dispose();

    // The registered view, through its commands.
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.clearFilter'), ranked.map((p) => p.id));
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.filterPairs', { text: ranked[3].id.toUpperCase() }), [ranked[3].id]);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.showFlaggedOnly'), [], 'nothing flagged yet');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.clearFilter'), ranked.map((p) => p.id));
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
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceFolder(), pair.report)));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.getText(), pair.reportText, 'the report is unchanged since scoring');
    });

    it('has code lenses with its rank and suspicion, Open review and Flag pair', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.ok(titles.includes(`radalign: rank 1 of 6 · suspicion ${pair.suspicion.toFixed(2)}`), titles.join(' | '));
      assert.ok(titles.includes('Open review') && titles.includes('Flag pair…'), titles.join(' | '));
      assert.ok(lenses.every((l) => l.range.start.line === 0));
    });

    it('has a hover per sentence with its score, heatmap and actions', async () => {
      const k = pair.sentences.length - 1;
      const s = pair.sentences[k];
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(s.start + 1));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, new RegExp(`sentence ${k + 1} of ${pair.sentences.length}`));
      assert.ok(text.includes(`score **${s.score.toFixed(3)}**`), text);
      assert.ok(s.heatmap, 'the fixture model has patch outputs, so sentences have heatmaps');
      assert.match(text, /!\[heatmap of sentence \d+\]\(data:image\/png;base64,[A-Za-z0-9+/]+=*\)/);
      assert.match(text, /command:radalign\.showSentence\?/);
      assert.match(text, /command:radalign\.flagSentence\?/);
    });

    it('says "changed since scoring" instead of sentence ranges once edited', async () => {
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Edited. '));
      try {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
        assert.deepEqual(
          lenses.map((l) => l.command?.title),
          [`radalign: report changed since scoring — rescore ${workspaceFolder().split(/[\\/]/).pop()}`],
        );
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(12));
        assert.equal(hovers.filter((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('radalign'))).length, 0);
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      assert.equal(doc.getText(), pair.reportText);
    });
  });

  it('exports as CSV exactly the flags made with Flag pair / Flag sentence', async () => {
    const flagged = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[1].id, reason: 'laterality', note: 'L/R "swapped", see PA' });
    assert.equal(flagged.status, 'flagged', JSON.stringify(flagged));
    const sentence = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagSentence', { pairId: ranked[0].id, sentence: 0, reason: 'finding-absent' });
    assert.deepEqual(sentence, { status: 'flagged', pairId: ranked[0].id, sentence: 0, reason: 'finding-absent', note: '' });
    assert.deepEqual(session.selected, { pairId: ranked[0].id, sentence: 0 }, 'a sentence flag selects its sentence');
    await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[2].id, reason: 'other' });
    assert.equal((await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[2].id, reason: null })).status, 'unflagged');
    const bad = await vscode.commands.executeCommand<FlagOutcome>('radalign.flagPair', { pairId: ranked[0].id, reason: 'typo' });
    assert.equal(bad.status, 'failed');

    // The review file on disk holds them too.
    const onDisk = readFileSync(session.reviewFile, 'utf8');
    assert.match(onDisk, /"reason":"laterality"/);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('radalign.showFlaggedOnly'), [ranked[0].id, ranked[1].id]);
    await vscode.commands.executeCommand('radalign.clearFilter');

    const dir = mkdtempSync(join(tmpdir(), 'radalign-itest-export-'));
    try {
      const target = join(dir, 'review.csv');
      const outcome = await vscode.commands.executeCommand<ExportOutcome>('radalign.exportReview', { format: 'csv', target });
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
      assert.equal((await vscode.commands.executeCommand<ExportOutcome>('radalign.exportReview', { target: json })).status, 'written');
      assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { flags: unknown[] }).flags.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Select model checks the folder and stores it in the workspace folder settings', async () => {
    const config = () => vscode.workspace.getConfiguration('radalign', vscode.Uri.file(workspaceFolder()));
    const before = config().inspect<string>('modelPath');
    const fixture = before?.workspaceFolderValue ?? before?.workspaceValue;
    assert.ok(fixture, 'the runner set a model for the workspace');
    try {
      const broken = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', { folder: join(workspaceFolder(), 'no-such-model') });
      assert.equal(broken.status, 'failed');
      if (broken.status === 'failed') assert.match(broken.message, /no-such-model: model folder does not exist/);
      assert.equal(config().get('modelPath'), fixture, 'a failed check changes nothing');

      const ok = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', { folder: fixture });
      assert.deepEqual(ok, { status: 'selected', setting: fixture, target: 'workspaceFolder' });
      assert.equal(config().inspect<string>('modelPath')?.workspaceFolderValue, fixture);
    } finally {
      await config().update('modelPath', before?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder);
      if (before?.workspaceValue !== undefined) await config().update('modelPath', before.workspaceValue, vscode.ConfigurationTarget.Workspace);
    }
  });
});
