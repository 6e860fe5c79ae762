// Puts discovery output in its canonical form: pairs sorted by id with unique ids, skipped
// entries sorted and de-duplicated, so the same folder always gives identical output.
import type { Discovery, Pair, Skipped } from '../types';
import type { DatasetRoot } from './paths';
import { byCodeUnit } from './walk';

/**
 * Duplicate ids (two manifest rows with one id, or two manifests) keep the first pair's id and
 * give the others `id~2`, `id~3`, ... in the order of their first image path, which does not
 * depend on the order the filesystem returned things in.
 */
export function finalise(root: DatasetRoot, pairs: Pair[], skipped: Skipped[]): Discovery {
  const ordered = [...pairs].sort((a, b) => byCodeUnit(a.id, b.id) || byCodeUnit(sortKey(a), sortKey(b)));
  // Sorted, so a repeated id follows its first use; the set of all ids is built only if one repeats.
  let taken: Set<string> | undefined;
  let first = ordered[0]?.id;
  for (let i = 1; i < ordered.length; i++) {
    const pair = ordered[i];
    if (pair.id !== first) {
      first = pair.id;
      continue;
    }
    taken ??= new Set(ordered.map((p) => p.id));
    let n = 2;
    while (taken.has(`${first}~${n}`)) n++;
    pair.id = `${first}~${n}`;
    taken.add(pair.id);
  }
  if (taken) ordered.sort((a, b) => byCodeUnit(a.id, b.id));

  const unique = new Map<string, Skipped>();
  for (const s of skipped) unique.set(`${s.path}\0${s.reason}`, s);
  const skippedSorted = [...unique.values()].sort(
    (a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.reason, b.reason),
  );
  return { root: root.path, pairs: ordered, skipped: skippedSorted };
}

function sortKey(pair: Pair): string {
  const report = pair.report.kind === 'file' ? pair.report.path : pair.report.origin;
  return `${pair.images.join('\n')}\n${report}`;
}
