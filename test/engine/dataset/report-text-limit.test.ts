// The report size limit (Limits.maxReportBytes): a report over it is skipped with a reason that
// names the file, its size, the limit and how to raise it, and is refused from its size alone:
// a 50 MB file is never read whole (its peak memory is measured in a fresh process), and a
// never-ending one (/dev/zero) is read no further than the limit.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { reportText } from '../../../src/engine/dataset/report-text';

const MiB = 1024 * 1024;
const run = promisify(execFile);

/**
 * reportText in a new process (report-limit.child.ts): its outcome and that process's peak resident
 * memory. Killed after `killAfterMs`: a version that reads a never-ending file to its end would
 * otherwise take all the machine's memory.
 */
async function readInFreshProcess(
  path: string,
  maxReportBytes: number,
  killAfterMs = 30_000,
): Promise<{ error: string | null; peakRssBytes: number }> {
  const child = join(__dirname, 'report-text-limit.child.js');
  const { stdout } = await run(process.execPath, [child, path, String(maxReportBytes)], { timeout: killAfterMs }).catch(
    (err: { killed?: boolean }) => {
      throw err.killed
        ? new Error(`reading ${path} did not end within ${killAfterMs / 1000} s: it is read past the limit`)
        : err;
    },
  );
  return JSON.parse(stdout);
}

describe('report size limit', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-report-limit-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('skips a 50 MB report from its size, without reading it (peak memory does not grow by 50 MB)', async () => {
    const path = join(dir, 'huge.txt');
    await writeFile(path, '');
    await truncate(path, 50 * MiB); // sparse: 50 MB long, nothing on disk
    const small = join(dir, 'small.txt');
    await writeFile(small, 'FINDINGS: Clear lungs.');
    const baseline = await readInFreshProcess(small, MiB);
    assert.equal(baseline.error, null);
    const huge = await readInFreshProcess(path, MiB);
    assert.equal(
      huge.error,
      `report ${path} is 50 MiB (52,428,800 bytes), over the 1 MiB (1,048,576-byte) limit for one report (raise it with --max-report-bytes); skipped`,
    );
    const grown = huge.peakRssBytes - baseline.peakRssBytes;
    assert.ok(
      grown < 20 * MiB,
      `peak memory ${(grown / MiB).toFixed(1)} MiB above a small report's while refusing a 50 MB report`,
    );
  });

  it('reads a report of exactly the limit, and refuses one byte more', async () => {
    const path = join(dir, 'edge.txt');
    await writeFile(path, 'é'.repeat(50)); // 100 bytes
    assert.equal(await reportText({ kind: 'file', path }, { maxReportBytes: 100 }), 'é'.repeat(50));
    await assert.rejects(
      reportText({ kind: 'file', path }, { maxReportBytes: 99 }),
      new RegExp(
        `report ${path.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is 100 bytes, over the 99-byte limit for one report \\(raise it with --max-report-bytes\\); skipped$`,
      ),
    );
  });

  it('reads a normal report under the default limit unchanged', async () => {
    const path = join(dir, 'normal.txt');
    const text = '\ufeffFINDINGS: Clear lungs.\r\n\r\nIMPRESSION: Normal.\n'.repeat(1000);
    await writeFile(path, text);
    assert.equal(await reportText({ kind: 'file', path }), text.slice(1));
  });

  it('reads no further than the limit where the size is not known in advance (/dev/zero)', async function () {
    if (!existsSync('/dev/zero')) this.skip();
    const { error } = await readInFreshProcess('/dev/zero', 4096, 10_000);
    assert.equal(
      error,
      'report /dev/zero is more than 4,096 bytes, over the 4 KiB (4,096-byte) limit for one report (raise it with --max-report-bytes); skipped',
    );
  });

  it('skips an inline manifest report over the limit by its UTF-8 length, naming the manifest row', async () => {
    const source = (text: string) => ({ kind: 'inline' as const, text, origin: 'metadata.csv#row 12' });
    // 600 characters, 1,200 bytes: the limit counts bytes.
    await assert.rejects(
      reportText(source('é'.repeat(600)), { maxReportBytes: 1000 }),
      /report text in metadata\.csv#row 12 is 1\.2 KiB \(1,200 bytes\), over the 1,000-byte limit for one report \(raise it with --max-report-bytes\); skipped$/,
    );
    assert.equal(await reportText(source('é'.repeat(500)), { maxReportBytes: 1000 }), 'é'.repeat(500));
    await assert.rejects(
      reportText(source('x'.repeat(MiB + 1))),
      /is 1 MiB \(1,048,577 bytes\), over the 1 MiB \(1,048,576-byte\) limit/,
    );
  });

  it('refuses a limit that is not a whole number ≥ 1', async () => {
    await assert.rejects(
      reportText({ kind: 'inline', text: 'x', origin: 'm.csv#row 1' }, { maxReportBytes: 0 }),
      /maxReportBytes must be a whole number ≥ 1, got 0/,
    );
  });
});
