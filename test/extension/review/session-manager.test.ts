// The one owner of the results under review and their session: it follows new results, releases
// the ones replaced, and never leaves a stale session or a second watcher behind when folders are
// opened faster than their reviews are read.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../../src/extension/review/emitter';
import type { ReviewSession } from '../../../src/extension/review/review-session';
import { SessionManager, type SessionHost } from '../../../src/extension/review/session-manager';
import type { ScoredFolder } from '../../../src/extension/saved-results';
import { pair, saved } from '../../helpers/review-fixtures';

interface Watcher {
  folder: string;
  disposed: boolean;
}

/** A host whose reviewer look-up for a folder resolves only when the test says so. */
class FakeHost implements SessionHost {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];
  readonly watchers: Watcher[] = [];
  readonly settingChanged = new Emitter<void>();
  readonly onDidChangeReviewerSetting = this.settingChanged.event;
  private readonly pending = new Map<string, (name: string) => void>();
  /** Folders whose look-up waits for answer(); the others answer "ann" at once. */
  readonly held = new Set<string>();
  readonly log = {
    info: (m: string) => void this.lines.push(`info ${m}`),
    warn: (m: string) => void this.lines.push(`warn ${m}`),
    error: (m: string) => void this.lines.push(`error ${m}`),
  };
  showWarning = (m: string) => void this.warnings.push(m);
  showError = (m: string) => void this.warnings.push(m);
  configuredReviewer = () => '';

  watch(folder: string): { dispose(): void } {
    const w = { folder, disposed: false };
    this.watchers.push(w);
    return { dispose: () => (w.disposed = true) };
  }

  resolveReviewer(folder: string): Promise<string> {
    if (!this.held.has(folder)) return Promise.resolve('ann');
    return new Promise((resolve) => this.pending.set(folder, resolve));
  }

  answer(folder: string, name = 'ann'): void {
    this.pending.get(folder)!(name);
  }

  live(): string[] {
    return this.watchers.filter((w) => !w.disposed).map((w) => w.folder);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('session manager', () => {
  let base: string;
  let host: FakeHost;
  let sessions: SessionManager;
  let released: string[];

  const scored = (folder: string, ids = ['a', 'b']): ScoredFolder => {
    const results = saved(ids.map((id, k) => pair(id, k + 1, 'A. B.')));
    return {
      folder,
      resultsFile: join(folder, '.radalign', 'results.json'),
      results,
      skipped: [],
      release: async () => void released.push(folder),
    };
  };

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'radalign-sessions-'));
    host = new FakeHost();
    sessions = new SessionManager(host);
    released = [];
  });
  afterEach(async () => {
    sessions.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it('reviews the results shown, watches their folder once read, and releases them when replaced or disposed', async () => {
    const a = join(base, 'a');
    const fired: (ReviewSession | undefined)[] = [];
    sessions.onDidChangeSession((s) => fired.push(s));
    const first = scored(a);
    sessions.show(first);
    assert.equal(sessions.scored, first);
    assert.equal(sessions.current?.folder, a);
    assert.deepEqual(fired, [sessions.current], 'announced as soon as it is current');
    await settle();
    assert.deepEqual(host.live(), [a]);
    assert.equal(sessions.current?.reviewer, 'ann');

    // Scored again: the same session takes the new results, the old ones are released.
    const session = sessions.current!;
    const again = scored(a, ['a', 'b', 'c']);
    sessions.show(again);
    assert.equal(sessions.current, session);
    assert.equal(session.count, 3);
    assert.equal(sessions.scored, again);
    await settle();
    assert.deepEqual(released, [a]);
    assert.deepEqual(host.live(), [a], 'still one watcher');

    sessions.dispose();
    await settle();
    assert.deepEqual(released, [a, a]);
    assert.deepEqual(host.live(), []);
    assert.equal(sessions.current, undefined);

    // A run that finishes as the window closes: released at once.
    sessions.show(scored(join(base, 'late')));
    await settle();
    assert.deepEqual(released, [a, a, join(base, 'late')]);
  });

  it('leaves no watcher or session of a folder replaced while its review was still being read', async () => {
    const a = join(base, 'a');
    const b = join(base, 'b');
    host.held.add(a);
    const fired: (string | undefined)[] = [];
    sessions.onDidChangeSession((s) => fired.push(s?.folder));

    sessions.show(scored(a));
    sessions.show(scored(b)); // before a's reviewer is known
    await settle();
    assert.equal(sessions.current?.folder, b);
    assert.deepEqual(host.live(), [b]);

    host.answer(a); // a's follow finishes last
    await settle();
    assert.equal(sessions.current?.folder, b, 'the newer session stays');
    assert.deepEqual(fired, [a, b], 'the replaced session is never announced again');
    assert.deepEqual(host.live(), [b], "no watcher of a's folder, and b's still watching");
    assert.deepEqual(released, [a]);
  });

  it('says who reviews once, and again when the setting changes the name', async () => {
    const a = join(base, 'a');
    sessions.show(scored(a));
    await settle();
    let configured = '';
    host.configuredReviewer = () => configured;
    configured = 'ben';
    host.resolveReviewer = async (_folder: string, setting?: string) => setting || 'ann';
    host.settingChanged.fire();
    await settle();
    assert.equal(sessions.current?.reviewer, 'ben');
    assert.deepEqual(
      host.lines.filter((l) => l.includes('reviewing as')),
      [
        'info reviewing as "ann" (from git user.name)',
        'info reviewing as "ben" (from the radalign.reviewerName setting)',
      ],
    );
  });
});
