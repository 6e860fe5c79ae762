// Paths of the committed tiny random-weight CLIP fixtures (made by tools/fixture-model/).
import { resolve } from 'node:path';

// Bundled tests run from out/test/<group>/, three levels below the repository root.
const root = resolve(__dirname, '../../..');
export const repoRoot = root;
/** radalign model.json layout, with projected patch outputs. */
export const tinyClipDir = resolve(root, 'test/fixtures/models/tiny-clip');
/** Transformers.js/Optimum CLIP layout, no patch outputs (occlusion heatmaps). */
export const tinyClipOptimumDir = resolve(root, 'test/fixtures/models/tiny-clip-optimum');
