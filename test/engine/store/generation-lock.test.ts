// The review file's lock: one holder at a time, abandoned locks taken over at once (dead
// process) or after the lease (another machine), never two holders after a takeover.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCurrent, LockLostError, LockTimeoutError, withLock } from '../../../src/engine/store/generation-lock';
import { hostTag } from '../../../src/engine/store/owner';
import { deadPid } from '../../helpers/processes';

const owner = (tag: string) => JSON.stringify({ owner: tag }) + '\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('generation lock', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-lock-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one holder in at a time within a process', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(dir, 'f', async () => {
          most = Math.max(most, ++inside);
          await sleep(2);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    const files = await readdir(dir);
    assert.ok(files.length <= 4, `generations before the previous one are removed: ${files.join()}`);
  });

  it('takes over at once a lock whose process is gone on this machine', async () => {
    await writeFile(join(dir, 'f.lock.7'), owner(`${hostTag()}-${deadPid()}`));
    const t0 = Date.now();
    const generation = await withLock(dir, 'f', async (lock) => lock.generation, { waitMs: 10_000 });
    assert.equal(generation, 8);
    assert.ok(Date.now() - t0 < 2_000);
  });

  it('waits for a live holder and then says who holds it', async () => {
    await writeFile(join(dir, 'f.lock.3'), owner(`${hostTag()}-${process.pid}`));
    await assert.rejects(
      withLock(dir, 'f', async () => 0, { waitMs: 300 }),
      (e: unknown) =>
        e instanceof LockTimeoutError && /f\.lock\.3: still held by process \d+ on this machine/.test(e.message),
    );
  });

  it('takes over a lock of another machine only once its lease has run out', async () => {
    const file = join(dir, 'f.lock.2');
    await writeFile(file, owner('0badc0de-4242'));
    await assert.rejects(
      withLock(dir, 'f', async () => 0, { waitMs: 200, leaseMs: 60_000 }),
      /held by process 4242 on another machine/,
    );
    const old = new Date(Date.now() - 120_000);
    await utimes(file, old, old);
    assert.equal(await withLock(dir, 'f', async (lock) => lock.generation, { waitMs: 200, leaseMs: 60_000 }), 3);
  });

  it('a released generation is free; the next holder takes the next number', async () => {
    await withLock(dir, 'f', async () => {});
    await withLock(dir, 'f', async () => {});
    assert.equal(await withLock(dir, 'f', async (lock) => lock.generation), 3);
  });

  it('a holder taken over while paused learns it before it commits', async () => {
    await assert.rejects(
      withLock(dir, 'f', async (lock) => {
        await writeFile(join(dir, `f.lock.${lock.generation + 1}`), owner('0badc0de-1')); // someone took over
        await lock.assertHeld();
      }),
      LockLostError,
    );
  });

  it('a writer that stalled and creates a long-gone generation is not current, so it backs off', async () => {
    // Generation 5 is held; its holder removed generations below 4, oldest first. A writer that
    // stalled since it saw generation 1 released now manages to create generation 2.
    await writeFile(join(dir, 'f.lock.4'), owner('0badc0de-1'));
    await writeFile(join(dir, 'f.lock.4.free'), '');
    await writeFile(join(dir, 'f.lock.5'), owner(`${hostTag()}-${process.pid}`));
    await writeFile(join(dir, 'f.lock.2'), owner(`${hostTag()}-${process.pid}`));
    assert.equal(await isCurrent(dir, 'f', 2), false, 'its predecessor is gone');
    assert.equal(await isCurrent(dir, 'f', 5), true);
    await writeFile(join(dir, 'f.lock.1'), owner('0badc0de-1'));
    assert.equal(await isCurrent(dir, 'f', 1), false, 'generation 1 while newer ones exist');
    await rm(join(dir, 'f.lock.5'));
    await rm(join(dir, 'f.lock.4'));
    await rm(join(dir, 'f.lock.4.free'));
    await rm(join(dir, 'f.lock.2'));
    assert.equal(await isCurrent(dir, 'f', 1), true, 'the first generation in a fresh folder');
  });
});
