// Who a change is recorded as: the configured name, else the git user of the dataset folder, else
// the OS user — and a git that hangs (a credential helper, a dead network folder) is given up on.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defaultReviewerName, resolveReviewerName } from '../../../src/engine/review/reviewer';

describe('reviewer name', function () {
  this.timeout(10_000);
  let dir: string;
  let path: string | undefined;
  /** Puts a fake `git` (a shell script) first on PATH for the test. */
  const fakeGit = async (script: string) => {
    await writeFile(join(dir, 'git'), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, 'git'), 0o755);
    process.env.PATH = `${dir}${delimiter}${path}`;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-reviewer-'));
    path = process.env.PATH;
  });
  afterEach(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  it('the configured name wins, trimmed; git is not asked', async () => {
    await fakeGit('echo "Git Person"');
    assert.equal(await resolveReviewerName(dir, '  ann  '), 'ann');
  });

  it("git's user.name when nothing is configured, else the OS user", async () => {
    await fakeGit('[ "$1 $2" = "config user.name" ] && echo "Git Person"');
    assert.equal(await resolveReviewerName(dir, ''), 'Git Person');
    await fakeGit('exit 1');
    assert.equal(await resolveReviewerName(dir), defaultReviewerName());
  });

  it('a git that hangs is given up on (within its bound), and the OS user is used', async function () {
    if (process.platform === 'win32') this.skip();
    await fakeGit('exec sleep 30');
    // Without the bound this waits for the sleep and the test's 10 s timeout fails it.
    assert.equal(await resolveReviewerName(dir), defaultReviewerName());
  });
});
