// ModelInfo.identity: a sha256 that changes whenever any file that can change the model's outputs does.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { relative } from 'node:path';
import { errorMessage, isMissing } from './json-file';
import { ModelError } from './types';

const IDENTITY_VERSION = 'radalign-model-identity/1';

/**
 * Hashes `note` (ModelPlan.identityNote, when given), then each file's path (relative to `dir`), length and
 * bytes, in the given order; ONNX files are streamed. Without a note the hash is what it always was.
 */
export async function modelIdentity(dir: string, files: string[], note?: string): Promise<string> {
  const hash = createHash('sha256').update(`${IDENTITY_VERSION}\n`);
  if (note !== undefined) hash.update(`note ${note.length}\n${note}\n`);
  for (const file of files) {
    hash.update(`${relative(dir, file).split('\\').join('/')}\n`);
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(file)) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    } catch (err) {
      throw new ModelError(file, isMissing(err) ? 'file is missing' : `cannot be read: ${errorMessage(err)}`);
    }
    // The length after the bytes keeps file boundaries unambiguous.
    hash.update(`\n${bytes}\n`);
  }
  return hash.digest('hex');
}
