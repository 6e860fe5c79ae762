// Shared bits for the image tests: a temp folder per suite and an assertion for ImageError rejections.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageError } from '../../src/engine/image';

/** A fresh temp folder; call the returned function (in `after`) to remove it. */
export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `radalign-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts `promise` rejects with an ImageError for `path` whose message names the file and matches `problem`. */
export async function assertImageError(promise: Promise<unknown>, path: string, problem: RegExp): Promise<ImageError> {
  const error = await promise.then(
    () => assert.fail(`expected ${path} to be rejected`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
  assert.equal(error.file, path);
  assert.ok(error.message.includes(path), `message should name the file: ${error.message}`);
  assert.match(error.problem, problem);
  return error;
}
