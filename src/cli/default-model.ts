// Where the bundled default model lives, relative to the installed package.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The bundled model folder, or null when this build carries none yet. */
export function bundledModelDir(): string | null {
  // dist/cli/radalign.js → package root is two levels up.
  const dir = resolve(__dirname, '..', '..', 'media', 'models', 'default');
  return existsSync(join(dir, 'model.json')) ? dir : null;
}
