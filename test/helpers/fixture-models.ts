// Paths of the committed tiny random-weight CLIP fixtures (made by tools/fixture-model/).
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root: the nearest folder above this bundled test (out/test/<mirror of src>/…,
 * at any depth) that holds package.json.
 */
function findRepoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${__dirname}`);
}

const root = findRepoRoot();
export const repoRoot = root;
/** radalign model.json layout, with projected patch outputs. */
export const tinyClipDir = resolve(root, 'test/fixtures/models/tiny-clip');
/** Transformers.js/Optimum CLIP layout, no patch outputs (occlusion heatmaps). */
export const tinyClipOptimumDir = resolve(root, 'test/fixtures/models/tiny-clip-optimum');

/**
 * A copy of the tiny-clip fixture model in a new folder under `parent` whose model.json `image` block is
 * `image` merged over the fixture's, or (replace) `image` alone: for tests of the preprocessing fields.
 */
export async function tinyClipWithImage(
  parent: string,
  image: Record<string, unknown>,
  how: 'merge' | 'replace' = 'merge',
): Promise<string> {
  const dir = await mkdtemp(join(parent, 'model-'));
  await cp(tinyClipDir, dir, { recursive: true });
  const file = join(dir, 'model.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as { image: Record<string, unknown> };
  json.image = how === 'replace' ? image : { ...json.image, ...image };
  await writeFile(file, JSON.stringify(json));
  return dir;
}
