// Several writers at once on one review file, as separate processes, some killed with SIGKILL
// at random moments: every acknowledged change must be on disk afterwards, the file readable,
// and what crashed writers left behind cleaned up by the next one.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReviewStore } from '../../../src/engine/review';
import { hostTag } from '../../../src/engine/store/owner';
import { deadPid } from '../../helpers/processes';

const WRITER = join(__dirname, '..', '..', 'helpers', 'review-writer.child.js');

interface Writer {
  child: ChildProcess;
  /** Last acknowledged state per pair. */
  acks: Map<string, string>;
  /** The writer's reviewer name (its pairs' prefix). */
  prefix: string;
  /** The change in flight when the writer stopped (started, not acknowledged), if any. */
  inFlight?: { pair: string; reason: string };
  done: Promise<number | null>;
}

function startWriter(root: string, prefix: string, count: number): Writer {
  const child = spawn(process.execPath, [WRITER, root, prefix, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = new Map<string, string>();
  const writer: Partial<Writer> = { acks, prefix };
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [kind, pair, reason] = line.split(' ');
      if (kind === 'try') writer.inFlight = { pair, reason };
      else {
        acks.set(pair, reason);
        writer.inFlight = undefined;
      }
    }
  });
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (errors += c));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(`writer ${prefix} exited ${code}: ${errors}\n`);
      resolve(code);
    }),
  );
  return Object.assign(writer, { child, done }) as Writer;
}

/** Every acknowledged change is the state on disk (the last acknowledgement per pair). */
async function assertAcksOnDisk(root: string, writers: Writer[]): Promise<{ acked: number; flagged: number }> {
  const store = new ReviewStore(root);
  const loaded = await store.load();
  assert.deepEqual(loaded.problems, [], 'the file stays readable');
  let acked = 0;
  let flagged = 0;
  const missing: string[] = [];
  for (const w of writers) {
    for (const [pair, reason] of w.acks) {
      acked++;
      const entry = store.find({ kind: 'verdict', pair, reviewer: w.prefix });
      const expected = reason === 'null' ? null : reason;
      if (expected !== null) flagged++;
      // A killed writer's next change to the same pair may have reached the disk unacknowledged.
      const later = w.inFlight?.pair === pair ? (w.inFlight.reason === 'null' ? null : w.inFlight.reason) : undefined;
      if (!entry || (entry.reason !== expected && entry.reason !== later))
        missing.push(`${pair} (acknowledged ${reason}, on disk ${entry ? entry.reason : 'nothing'})`);
    }
  }
  assert.deepEqual(missing, [], `${missing.length} acknowledged changes lost`);
  return { acked, flagged };
}

const temps = async (root: string) => (await readdir(join(root, '.radalign'))).filter((f) => f.includes('.tmp-'));

describe('review file: several writer processes at once', function () {
  this.timeout(180_000);
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'radalign-writers-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('4 processes × 50 flags (and 10 unflags each) at once keep every acknowledged change', async () => {
    const started = Date.now();
    const writers = ['wa', 'wb', 'wc', 'wd'].map((p) => startWriter(root, p, 50));
    const codes = await Promise.all(writers.map((w) => w.done));
    assert.deepEqual(codes, [0, 0, 0, 0], 'every writer finished');
    const { acked, flagged } = await assertAcksOnDisk(root, writers);
    assert.equal(acked, 4 * 50, 'one final state per pair');
    assert.equal(flagged, 4 * 40);
    console.log(
      `      4 writers: ${4 * 60} changes acknowledged, ${flagged} flags on disk, none lost, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it('SIGKILL of writers at random moments loses no acknowledged change and leaves a readable file', async () => {
    const started = Date.now();
    const all: Writer[] = [];
    const slots: Writer[] = [];
    let next = 0;
    const spawnInto = (i: number) => {
      const w = startWriter(root, `k${String(next++).padStart(2, '0')}`, 1000);
      slots[i] = w;
      all.push(w);
    };
    for (let i = 0; i < 3; i++) spawnInto(i);
    const kills = 15;
    for (let k = 0; k < kills; k++) {
      await new Promise((r) => setTimeout(r, 60 + Math.random() * 300));
      const i = Math.floor(Math.random() * slots.length);
      slots[i].child.kill('SIGKILL');
      await slots[i].done;
      spawnInto(i);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const w of slots) w.child.kill('SIGKILL');
    await Promise.all(slots.map((w) => w.done));

    const { acked, flagged } = await assertAcksOnDisk(root, all);
    assert.ok(acked > kills, `writers made progress between kills (${acked} acknowledged)`);
    const leftBefore = (await temps(root)).length;
    // However the kills fell, one more that is certainly abandoned: a writer killed mid-write.
    await writeFile(join(root, '.radalign', `review.jsonl.tmp-${hostTag()}-${deadPid()}-0badf00d`), '{"pair":');
    // The next writer cleans what the killed ones left, and takes over their abandoned locks at once.
    const t0 = Date.now();
    await new ReviewStore(root).record({
      kind: 'verdict',
      pair: 'after',
      verdict: 'unsure',
      reason: null,
      note: '',
      reviewer: 'z',
      model: 'm',
    });
    const takeoverMs = Date.now() - t0;
    assert.deepEqual(await temps(root), [], 'temporary files of killed writers are removed');
    assert.ok(takeoverMs < 5_000, `an abandoned lock is taken over without waiting for its lease (${takeoverMs} ms)`);
    console.log(
      `      ${kills + 3} writers started, ${kills + 3} killed with SIGKILL: ${acked} changes acknowledged (${flagged} flags on disk), none lost; ` +
        `${leftBefore} temporary files left by killed writers, all removed by the next write; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
