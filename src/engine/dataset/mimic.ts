// MIMIC-CXR: files/pNN/pNNNNNNNN/sNNNNNNNN.txt beside folder sNNNNNNNN/ of images
// (.jpg in MIMIC-CXR-JPG, .dcm in MIMIC-CXR). Pair id = pNNNNNNNN/sNNNNNNNN.
//
// Path gate: every folder and file read here has its real path inside the dataset. A plain
// (non-link) entry of a folder that is inside is inside too, so only symlinks cost a realpath
// (followLink), and only those whose names fit the layout. A link pointing outside is never
// followed or read and becomes a Skipped naming it. A link whose real path stays inside is taken
// for what it points to, folders included: unlike walk.ts this walk has a fixed depth
// (files/group/patient/study), so a link back up the tree cannot make it loop.
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Pair, Skipped } from '../types';
import { fileKind, isIgnoredName } from './file-kinds';
import type { Limiter } from './limiter';
import { NO_IMAGE, NO_REPORT } from './folder-pairs';
import { type DatasetRoot, errorCode, followLink } from './paths';
import { byCodeUnit } from './walk';

const GROUP = /^p\d{2}$/;
const PATIENT = /^p\d+$/;
const STUDY = /^s\d+$/;
const STUDY_REPORT = /^s\d+\.txt$/;

/** Detection reads a handful of folders, one after another: no limiter needed. */
const direct: Limiter = (task) => task();

/**
 * The `files/` folder when `root/files` (or the root itself) has the MIMIC structure; null
 * otherwise. Looks at a few groups and patients only, so detection stays cheap on 200k-file
 * trees. Links met on the way that may not be followed are pushed to `skipped`.
 */
export async function findMimicFiles(root: DatasetRoot, skipped: Skipped[]): Promise<string | null> {
  const files = await filesFolder(root, skipped);
  for (const filesDir of files ? [files, root.path] : [root.path]) {
    const groups = await gatedEntries(root, filesDir, firstNamed(await list(filesDir), GROUP, 3), direct, skipped);
    for (const group of groups.dirs) {
      const groupDir = join(filesDir, group);
      const patients = await gatedEntries(root, groupDir, firstNamed(await list(groupDir), PATIENT, 5), direct, skipped);
      for (const patient of patients.dirs) {
        const patientDir = join(groupDir, patient);
        const reports = await gatedEntries(root, patientDir, named(await list(patientDir), STUDY_REPORT), direct, skipped);
        if (reports.files.length > 0) return filesDir;
      }
    }
  }
  return null;
}

/** `root/files` when it is a folder inside the dataset (a symlink only when its real path is); else null. */
async function filesFolder(root: DatasetRoot, skipped: Skipped[]): Promise<string | null> {
  const path = join(root.path, 'files');
  try {
    const info = await lstat(path);
    if (info.isDirectory()) return path;
    if (!info.isSymbolicLink()) return null;
  } catch {
    return null;
  }
  const target = await followLink(root, path);
  if (target === 'folder') return path;
  if (target !== 'file') skipped.push({ path, reason: target });
  return null;
}

// Only single readdir and link calls take a limiter slot; the walk around them never holds one
// while waiting for another, which could deadlock the limiter.
export async function discoverMimic(root: DatasetRoot, filesDir: string, limit: Limiter, skipped: Skipped[]): Promise<Pair[]> {
  const groups = await subfolders(root, filesDir, GROUP, limit, skipped);
  const patientDirs = (await Promise.all(groups.map((g) => subfolders(root, g, PATIENT, limit, skipped)))).flat();
  const perPatient = await Promise.all(patientDirs.map((dir) => patientPairs(root, dir, limit, skipped)));
  return perPatient.flat();
}

/** Sub-folders of `dir` named like `pattern`, as absolute paths; an unreadable folder has none. */
async function subfolders(root: DatasetRoot, dir: string, pattern: RegExp, limit: Limiter, skipped: Skipped[]): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await limit(() => readdir(dir, { withFileTypes: true }));
  } catch {
    return [];
  }
  const { dirs } = await gatedEntries(root, dir, named(entries, pattern), limit, skipped);
  return dirs.map((name) => join(dir, name));
}

async function patientPairs(root: DatasetRoot, patientDir: string, limit: Limiter, skipped: Skipped[]): Promise<Pair[]> {
  const patient = basename(patientDir);
  let entries: Dirent[];
  try {
    entries = await limit(() => readdir(patientDir, { withFileTypes: true }));
  } catch (err) {
    skipped.push({ path: patientDir, reason: `cannot read folder (${errorCode(err)})` });
    return [];
  }
  const wanted = entries.filter((e) => STUDY.test(e.name) || STUDY_REPORT.test(e.name));
  const { dirs, files } = await gatedEntries(root, patientDir, wanted, limit, skipped);
  const reports = new Set(files.filter((n) => STUDY_REPORT.test(n)).map((n) => n.slice(0, -4)));
  const studies = dirs.filter((n) => STUDY.test(n));
  const pairs: Pair[] = [];
  const paired = new Set<string>();
  const studyImages = await Promise.all(studies.map((s) => imagesIn(root, join(patientDir, s), limit, skipped)));
  studies.forEach((study, i) => {
    const images = studyImages[i];
    if (images === null) return;
    if (!reports.has(study)) {
      if (images.length > 0) skipped.push({ path: join(patientDir, study), reason: `${NO_REPORT}s in this study (expected ${study}.txt beside the folder)` });
      return;
    }
    if (images.length === 0) return; // reported below as a report without images
    paired.add(study);
    pairs.push({
      id: `${patient}/${study}`,
      images,
      report: { kind: 'file', path: join(patientDir, `${study}.txt`) },
      layout: 'mimic',
    });
  });
  for (const study of [...reports].sort(byCodeUnit)) {
    if (!paired.has(study)) skipped.push({ path: join(patientDir, `${study}.txt`), reason: `${NO_IMAGE} (expected images in folder ${study}/)` });
  }
  return pairs;
}

/** Absolute image paths in a study folder, sorted; null when unreadable (already skipped). */
async function imagesIn(root: DatasetRoot, studyDir: string, limit: Limiter, skipped: Skipped[]): Promise<string[] | null> {
  let entries: Dirent[];
  try {
    entries = await limit(() => readdir(studyDir, { withFileTypes: true }));
  } catch (err) {
    skipped.push({ path: studyDir, reason: `cannot read folder (${errorCode(err)})` });
    return null;
  }
  const images: string[] = [];
  for (const e of entries) {
    if (isIgnoredName(e.name) || fileKind(e.name) !== 'image') continue;
    const path = join(studyDir, e.name);
    if (e.isFile()) images.push(path);
    else if (e.isSymbolicLink()) {
      const target = await limit(() => followLink(root, path));
      if (target === 'file') images.push(path);
      else if (target !== 'folder') skipped.push({ path, reason: target });
    }
  }
  return images.sort();
}

/**
 * `entries` of `dir` split into folder and file names, sorted. A symlink counts as what it points
 * to when its real path is inside the dataset; otherwise it is pushed to `skipped` with the reason.
 */
async function gatedEntries(root: DatasetRoot, dir: string, entries: Dirent[], limit: Limiter, skipped: Skipped[]): Promise<{ dirs: string[]; files: string[] }> {
  const dirs: string[] = [];
  const files: string[] = [];
  await Promise.all(
    entries.map(async (e) => {
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isFile()) files.push(e.name);
      else if (e.isSymbolicLink()) {
        const path = join(dir, e.name);
        const target = await limit(() => followLink(root, path));
        if (target === 'folder') dirs.push(e.name);
        else if (target === 'file') files.push(e.name);
        else skipped.push({ path, reason: target });
      }
    }),
  );
  return { dirs: dirs.sort(byCodeUnit), files: files.sort(byCodeUnit) };
}

/** Entries named like `pattern` that are folders, files or symlinks (not sockets, fifos, devices). */
function named(entries: Dirent[], pattern: RegExp): Dirent[] {
  return entries.filter((e) => pattern.test(e.name) && (e.isDirectory() || e.isFile() || e.isSymbolicLink()));
}

/** The first `count` possible folders named like `pattern`, by name: detection samples, it does not walk. */
function firstNamed(entries: Dirent[], pattern: RegExp, count: number): Dirent[] {
  return named(entries, pattern)
    .filter((e) => !e.isFile())
    .sort((a, b) => byCodeUnit(a.name, b.name))
    .slice(0, count);
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return []; // absent folder: simply not MIMIC-shaped
  }
}
