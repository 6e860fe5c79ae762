// A small synthetic dataset: radiograph-like images drawn from SVG with findings at known sides
// and zones, report texts in the usual FINDINGS/IMPRESSION style, and a few deliberately
// mismatched pairs (reports swapped between studies). Deterministic for a given seed.
// Used by the demo, the tests and the benchmarks; it is not medical data.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export type Side = 'left' | 'right';
export type Zone = 'upper' | 'middle' | 'lower';

export interface SyntheticCase {
  id: string;
  finding: 'opacity' | 'effusion' | 'nodule' | 'none';
  side: Side;
  zone: Zone;
  /** The id whose report this case's folder actually holds (equals `id` unless swapped). */
  reportOf: string;
}

export interface SyntheticOptions {
  pairs: number;
  /** How many pairs get another case's report. */
  swapped?: number;
  seed?: number;
  /** Image side in pixels. */
  size?: number;
  layout?: 'stem' | 'study-folder';
}

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FINDINGS = ['opacity', 'effusion', 'nodule', 'none'] as const;
const SIDES: Side[] = ['left', 'right'];
const ZONES: Zone[] = ['upper', 'middle', 'lower'];

export function planCases(opts: SyntheticOptions): SyntheticCase[] {
  const rand = rng(opts.seed ?? 1);
  const cases: SyntheticCase[] = [];
  for (let i = 0; i < opts.pairs; i++) {
    const finding = FINDINGS[Math.floor(rand() * FINDINGS.length)];
    const id = `case${String(i + 1).padStart(4, '0')}`;
    cases.push({ id, finding, side: SIDES[Math.floor(rand() * 2)], zone: finding === 'effusion' ? 'lower' : ZONES[Math.floor(rand() * 3)], reportOf: id });
  }
  // Swap reports within disjoint pairs of cases whose findings differ, so the swap is visible.
  const swaps = Math.min(opts.swapped ?? Math.max(1, Math.round(opts.pairs * 0.05)), Math.floor(opts.pairs / 2));
  for (let k = 0, i = 0; k < swaps && i + 1 < cases.length; i += Math.max(2, Math.floor(cases.length / swaps))) {
    const a = cases[i];
    const b = cases.slice(i + 1).find((c) => c.reportOf === c.id && (c.finding !== a.finding || c.side !== a.side));
    if (!b) continue;
    a.reportOf = b.id;
    b.reportOf = a.id;
    k++;
  }
  return cases;
}

export function reportFor(c: SyntheticCase): string {
  const where = `${c.side} ${c.zone} zone`;
  const findings: Record<SyntheticCase['finding'], string> = {
    opacity: `There is a patchy airspace opacity in the ${where}. No pleural effusion. No pneumothorax. The cardiomediastinal silhouette is within normal limits.`,
    effusion: `There is a moderate ${c.side} pleural effusion with blunting of the ${c.side} costophrenic angle. No focal consolidation. No pneumothorax.`,
    nodule: `A 1.5 cm rounded nodule projects over the ${where}. The lungs are otherwise clear. No pleural effusion.`,
    none: 'The lungs are clear. No focal consolidation, pleural effusion or pneumothorax. Heart size is normal.',
  };
  const impression: Record<SyntheticCase['finding'], string> = {
    opacity: `${cap(c.side)} ${c.zone} zone opacity, may represent pneumonia.`,
    effusion: `Moderate ${c.side} pleural effusion.`,
    nodule: `${cap(c.side)} ${c.zone} zone nodule; CT recommended.`,
    none: 'No acute cardiopulmonary process.',
  };
  return `EXAMINATION: Chest radiograph, PA view.\n\nINDICATION: Cough.\n\nFINDINGS: ${findings[c.finding]}\n\nIMPRESSION: ${impression[c.finding]}\n`;
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

/** SVG of a frontal chest radiograph-like image. The patient's left is the image's right. */
export function svgFor(c: SyntheticCase, size: number, jitter: () => number): string {
  const s = size;
  const lungW = s * 0.28;
  const lungH = s * 0.55;
  const cy = s * 0.5;
  const rightLungX = s * 0.3; // patient's right lung, image left
  const leftLungX = s * 0.7;
  const lungX = c.side === 'right' ? rightLungX : leftLungX;
  const zoneY = { upper: cy - lungH * 0.3, middle: cy, lower: cy + lungH * 0.3 }[c.zone];
  const ribs = Array.from({ length: 8 }, (_, i) => {
    const y = s * 0.25 + i * s * 0.065;
    return `<path d="M ${s * 0.12} ${y + s * 0.03} Q ${s * 0.3} ${y - s * 0.03} ${s * 0.47} ${y}" stroke="#9a9a9a" stroke-width="${s * 0.012}" fill="none" opacity="0.5"/>
<path d="M ${s * 0.88} ${y + s * 0.03} Q ${s * 0.7} ${y - s * 0.03} ${s * 0.53} ${y}" stroke="#9a9a9a" stroke-width="${s * 0.012}" fill="none" opacity="0.5"/>`;
  }).join('\n');
  const j = () => (jitter() - 0.5) * s * 0.04;
  let finding = '';
  if (c.finding === 'opacity') finding = `<ellipse cx="${lungX + j()}" cy="${zoneY + j()}" rx="${s * 0.09}" ry="${s * 0.07}" fill="#d8d8d8" opacity="0.85" filter="url(#blur)"/>`;
  if (c.finding === 'nodule') finding = `<circle cx="${lungX + j()}" cy="${zoneY + j()}" r="${s * 0.035}" fill="#e0e0e0" opacity="0.95" filter="url(#soft)"/>`;
  if (c.finding === 'effusion') finding = `<rect x="${lungX - lungW / 2}" y="${cy + lungH * 0.22}" width="${lungW}" height="${lungH * 0.3}" fill="#d0d0d0" filter="url(#blur)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">
<defs><filter id="blur"><feGaussianBlur stdDeviation="${s * 0.02}"/></filter><filter id="soft"><feGaussianBlur stdDeviation="${s * 0.006}"/></filter></defs>
<rect width="${s}" height="${s}" fill="#141414"/>
<ellipse cx="${s / 2}" cy="${s * 0.55}" rx="${s * 0.44}" ry="${s * 0.5}" fill="#6e6e6e"/>
<ellipse cx="${rightLungX + j()}" cy="${cy}" rx="${lungW / 2}" ry="${lungH / 2}" fill="#262626" filter="url(#soft)"/>
<ellipse cx="${leftLungX + j()}" cy="${cy}" rx="${lungW / 2}" ry="${lungH / 2}" fill="#262626" filter="url(#soft)"/>
${ribs}
<rect x="${s * 0.47}" y="0" width="${s * 0.06}" height="${s}" fill="#b4b4b4" opacity="0.8"/>
<ellipse cx="${s * 0.56}" cy="${s * 0.62}" rx="${s * 0.13}" ry="${s * 0.12}" fill="#a8a8a8" opacity="0.9" filter="url(#soft)"/>
${finding}
</svg>`;
}

/** Writes the dataset and returns its cases (with which report each folder really holds). */
export async function writeSyntheticDataset(dir: string, opts: SyntheticOptions): Promise<SyntheticCase[]> {
  const size = opts.size ?? 256;
  const cases = planCases(opts);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const jitter = rng((opts.seed ?? 1) + 7);
  await mkdir(dir, { recursive: true });
  for (const c of cases) {
    const folder = opts.layout === 'study-folder' ? join(dir, c.id) : dir;
    await mkdir(folder, { recursive: true });
    const png = await sharp(Buffer.from(svgFor(c, size, jitter))).greyscale().png().toBuffer();
    const report = reportFor(byId.get(c.reportOf)!);
    if (opts.layout === 'study-folder') {
      await writeFile(join(folder, 'frontal.png'), png);
      await writeFile(join(folder, 'report.txt'), report);
    } else {
      await writeFile(join(folder, `${c.id}.png`), png);
      await writeFile(join(folder, `${c.id}.txt`), report);
    }
  }
  await writeFile(join(dir, '.truth.json'), JSON.stringify(cases, null, 1) + '\n');
  return cases;
}
