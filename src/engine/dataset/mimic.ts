// MIMIC-CXR: files/pNN/pNNNNNNNN/sNNNNNNNN.txt beside folder sNNNNNNNN/ of images
// (.jpg in MIMIC-CXR-JPG, .dcm in MIMIC-CXR). Pair id = pNNNNNNNN/sNNNNNNNN.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Pair, Skipped } from '../types';
import { fileKind, isIgnoredName } from './file-kinds';
import { type Limiter, mapLimited } from './limiter';
import { NO_IMAGE, NO_REPORT } from './folder-pairs';
import { type DatasetRoot, errorCode, followLink } from './paths';
import { byCodeUnit } from './walk';

const GROUP = /^p\d{2}$/;
const PATIENT = /^p\d+$/;
const STUDY = /^s\d+$/;
const STUDY_REPORT = /^s\d+\.txt$/;

/**
 * The `files/` folder when `root` (or `root/files`) has the MIMIC structure; null otherwise.
 * Looks at a few groups and patients only, so detection stays cheap on 200k-file trees.
 */
export async function findMimicFiles(root: string): Promise<string | null> {
  for (const filesDir of [join(root, 'files'), root]) {
    const groups = (await listDirs(filesDir)).filter((n) => GROUP.test(n)).slice(0, 3);
    for (const group of groups) {
      const patients = (await listDirs(join(filesDir, group))).filter((n) => PATIENT.test(n)).slice(0, 5);
      for (const patient of patients) {
        const entries = await list(join(filesDir, group, patient));
        if (entries.some((e) => e.isFile() && STUDY_REPORT.test(e.name))) return filesDir;
      }
    }
  }
  return null;
}

// Only the leaf readdir calls take a limiter slot; the walk around them never holds one while
// waiting for another, which could deadlock the limiter.
export async function discoverMimic(root: DatasetRoot, filesDir: string, limit: Limiter, skipped: Skipped[]): Promise<Pair[]> {
  const groups = (await listDirs(filesDir)).filter((n) => GROUP.test(n));
  const patientDirs = (
    await mapLimited(groups, limit, async (g) => (await listDirs(join(filesDir, g))).filter((n) => PATIENT.test(n)).map((p) => join(filesDir, g, p)))
  ).flat();
  const perPatient = await Promise.all(patientDirs.map((dir) => patientPairs(root, dir, limit, skipped)));
  return perPatient.flat();
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
  const reports = new Set(entries.filter((e) => e.isFile() && STUDY_REPORT.test(e.name)).map((e) => e.name.slice(0, -4)));
  const studies = entries.filter((e) => e.isDirectory() && STUDY.test(e.name)).map((e) => e.name);
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

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return []; // absent folder: simply not MIMIC-shaped
  }
}

async function listDirs(dir: string): Promise<string[]> {
  return (await list(dir)).filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodeUnit);
}
