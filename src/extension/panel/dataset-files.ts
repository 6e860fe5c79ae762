// The one gate between a path a results file names and the host opening or decoding that file.
// A results file comes with the dataset, from someone else: an image path may be `../../x`, an
// absolute path, or a symlink inside the folder that leads outside it. The engine's path gate
// (openRoot + resolveDatasetFile, dataset/paths.ts) decides, every time, with no cache: a folder
// swapped for a link since the last look is seen. Applies in trusted workspaces too (a tampered
// results file can arrive by git pull). Free of `vscode`.
import { openRoot, resolveDatasetFile, type Resolved } from '../../engine/dataset/paths';
import { describeError } from '../../engine/describe-error';

/**
 * `value` (relative to `folder`, as results name images; or absolute and inside it, as skipped
 * entries are) as a file inside the folder with symlinks followed, or why it is refused.
 */
export async function datasetFile(folder: string, value: string): Promise<Resolved> {
  let root;
  try {
    root = await openRoot(folder);
  } catch (e) {
    return { ok: false, reason: describeError(e) };
  }
  return resolveDatasetFile(root, value, [root.path]);
}
