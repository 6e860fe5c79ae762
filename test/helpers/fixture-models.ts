// Paths of the committed tiny random-weight CLIP fixtures (made by tools/fixture-model/).
import { existsSync } from 'node:fs';
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
