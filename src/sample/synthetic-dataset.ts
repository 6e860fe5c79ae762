// A small synthetic dataset: chest radiograph-like images (soft-tissue body, dark textured lungs,
// ribs, clavicles, spine, heart/mediastinum, diaphragm; support devices) drawn from SVG, with
// findings (opacity, effusion, nodule) at known sides and zones, a ground-truth mask PNG per case,
// reports in the usual EXAMINATION/INDICATION/FINDINGS/IMPRESSION style, and three kinds of
// deliberate mismatches recorded in `.truth.json`: reports swapped between studies, a sentence of
// another study inserted into a report, and a finding sentence with its side flipped.
// Deterministic for a given seed. Used by the demo, the tests, the benchmarks and the default
// model's training; it is not medical data.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export type Side = 'left' | 'right';
export type Zone = 'upper' | 'middle' | 'lower';
export type Finding = 'opacity' | 'effusion' | 'nodule' | 'none';
export type Device = 'et-tube' | 'central-line' | 'pacemaker';
export type Mismatch = 'swapped-report' | 'foreign-sentence' | 'flipped-sentence';

export interface SyntheticCase {
  id: string;
  finding: Finding;
  /** Patient side of the finding (the patient's left is the image's right). */
  side: Side;
  zone: Zone;
  /** Support devices drawn in the image (and described in its own report). */
  devices: Device[];
  /** Picks the phrasing of this case's report. */
  variant: number;
  /** The id whose report this case's folder actually holds (equals `id` unless swapped). */
  reportOf: string;
  /** The deliberate mismatch planted in this pair, if any. */
  mismatch?: Mismatch;
  /** For 'foreign-sentence': the inserted sentence and the case it describes. */
  foreignSentence?: { text: string; from: string };
  /** For 'flipped-sentence': the sentence as written (side flipped) and as it should read. */
  flippedSentence?: { text: string; original: string };
  /** The sentence that describes this case's own finding in its own (unmodified) report, or null. */
  findingSentence: string | null;
  /** Ground-truth mask of the finding (white = finding), relative to the dataset folder. */
  mask: string;
}

export interface SyntheticOptions {
  pairs: number;
  /** How many disjoint pairs of cases get each other's report (default 5 % of pairs, at least 1). */
  swapped?: number;
  /** How many reports get a finding sentence of another case inserted (default 5 % of pairs; at least 1 from 10 pairs). */
  foreign?: number;
  /** How many reports get their finding sentence's side flipped (default as `foreign`). */
  flipped?: number;
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
const DEVICE_PROB: Record<Device, number> = { 'et-tube': 0.2, 'central-line': 0.2, pacemaker: 0.15 };

function defaultCount(pairs: number): number {
  return Math.max(pairs >= 10 ? 1 : 0, Math.round(pairs * 0.05));
}

export function planCases(opts: SyntheticOptions): SyntheticCase[] {
  const rand = rng(opts.seed ?? 1);
  const cases: SyntheticCase[] = [];
  for (let i = 0; i < opts.pairs; i++) {
    const finding = FINDINGS[Math.floor(rand() * FINDINGS.length)];
    const id = `case${String(i + 1).padStart(4, '0')}`;
    const side = SIDES[Math.floor(rand() * 2)];
    const zone = finding === 'effusion' ? 'lower' : ZONES[Math.floor(rand() * 3)];
    const devices = (Object.keys(DEVICE_PROB) as Device[]).filter((d) => rand() < DEVICE_PROB[d]);
    const variant = Math.floor(rand() * 1e9);
    cases.push({
      id,
      finding,
      side,
      zone,
      devices,
      variant,
      reportOf: id,
      findingSentence: null,
      mask: `.truth/${id}.mask.png`,
    });
  }
  for (const c of cases) c.findingSentence = reportParts(c).findingSentence;
  // Swap reports within disjoint pairs of cases that differ visibly: the finding is on the other side,
  // or one of the two has no finding.
  const swaps = Math.min(opts.swapped ?? Math.max(1, Math.round(opts.pairs * 0.05)), Math.floor(opts.pairs / 2));
  for (let k = 0, i = 0; k < swaps && i + 1 < cases.length; i += Math.max(2, Math.floor(cases.length / swaps))) {
    const a = cases[i];
    if (a.mismatch) continue;
    const visible = (c: SyntheticCase) =>
      (c.finding === 'none') !== (a.finding === 'none') || (c.finding !== 'none' && c.side !== a.side);
    const b = cases.slice(i + 1).find((c) => !c.mismatch && visible(c));
    if (!b) continue;
    a.reportOf = b.id;
    b.reportOf = a.id;
    a.mismatch = b.mismatch = 'swapped-report';
    k++;
  }
  // Flipped sentences: cases with a one-sided finding; foreign sentences: any case, with a finding
  // sentence of another case that names a different finding or side.
  const pick = rng((opts.seed ?? 1) * 31 + 5);
  const free = (pred: (c: SyntheticCase) => boolean) => cases.filter((c) => !c.mismatch && pred(c));
  const nFlip = opts.flipped ?? defaultCount(opts.pairs);
  for (let k = 0; k < nFlip; k++) {
    const cand = free((c) => c.finding !== 'none');
    if (cand.length === 0) break;
    const c = cand[Math.floor(pick() * cand.length)];
    c.mismatch = 'flipped-sentence';
    c.flippedSentence = { text: flipSides(c.findingSentence!), original: c.findingSentence! };
  }
  const nForeign = opts.foreign ?? defaultCount(opts.pairs);
  for (let k = 0; k < nForeign; k++) {
    const cand = free(() => true);
    if (cand.length === 0) break;
    const c = cand[Math.floor(pick() * cand.length)];
    const donors = cases.filter(
      (d) => d !== c && d.finding !== 'none' && (d.finding !== c.finding || d.side !== c.side),
    );
    if (donors.length === 0) break;
    const d = donors[Math.floor(pick() * donors.length)];
    c.mismatch = 'foreign-sentence';
    c.foreignSentence = { text: d.findingSentence!, from: d.id };
  }
  return cases;
}

export function flipSides(s: string): string {
  const map: Record<string, string> = {
    left: 'right',
    right: 'left',
    Left: 'Right',
    Right: 'Left',
    LEFT: 'RIGHT',
    RIGHT: 'LEFT',
  };
  return s.replace(/\b(left|right|Left|Right|LEFT|RIGHT)\b/g, (m) => map[m]);
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

const FINDING_SENTENCES: Record<Exclude<Finding, 'none'>, string[]> = {
  opacity: [
    'There is a patchy airspace opacity in the {side} {zone} zone.',
    'Focal consolidation is seen in the {side} {zone} zone.',
    'Hazy opacity projects over the {side} {zone} zone.',
    'Ill-defined opacity in the {side} {zone} zone, concerning for pneumonia.',
  ],
  nodule: [
    'A 1.5 cm rounded nodule projects over the {side} {zone} zone.',
    'There is a well-circumscribed nodule in the {side} {zone} zone.',
    'Small nodular opacity in the {side} {zone} zone.',
  ],
  effusion: [
    'There is a moderate {side} pleural effusion with blunting of the {side} costophrenic angle.',
    'Small {side} pleural effusion.',
    'Layering {side} pleural effusion with blunting of the {side} costophrenic angle.',
  ],
};
const IMPRESSIONS: Record<Finding, string[]> = {
  opacity: [
    '{Side} {zone} zone opacity, may represent pneumonia in the appropriate clinical setting.',
    '{Side} {zone} zone consolidation.',
  ],
  nodule: [
    '{Side} {zone} zone nodule; CT recommended.',
    'Pulmonary nodule in the {side} {zone} zone. Recommend chest CT.',
  ],
  effusion: ['{Side} pleural effusion.', 'Moderate {side} pleural effusion.'],
  none: ['No acute cardiopulmonary process.', 'No acute cardiopulmonary abnormality.'],
};
const DEVICE_SENTENCES: Record<Device, string[]> = {
  'et-tube': [
    'Endotracheal tube tip terminates approximately 4 cm above the carina.',
    'An endotracheal tube is in place with its tip 5 cm above the carina.',
  ],
  'central-line': [
    'Right internal jugular central venous catheter with tip in the lower superior vena cava.',
    'A right internal jugular line terminates in the superior vena cava.',
  ],
  pacemaker: [
    'Left chest wall pacemaker with leads in the right atrium and right ventricle.',
    'A left-sided pacemaker is present with leads in expected position.',
  ],
};
const INDICATIONS = [
  'Cough and fever.',
  'Shortness of breath.',
  'Chest pain.',
  'Follow-up.',
  'Hypoxia.',
  'Fever, evaluate for pneumonia.',
];
const HEART = [
  'The cardiomediastinal silhouette is within normal limits.',
  'Heart size is normal.',
  'Normal heart size and mediastinal contours.',
];
const BONES = ['No acute osseous abnormality.', 'The visualized osseous structures are unremarkable.'];

function fill(t: string, c: Pick<SyntheticCase, 'side' | 'zone'>): string {
  return t
    .replace(/\{side\}/g, c.side)
    .replace(/\{Side\}/g, cap(c.side))
    .replace(/\{zone\}/g, c.zone);
}

/** The pieces of a case's own report (phrasing chosen by `variant`). */
export function reportParts(c: Omit<SyntheticCase, 'findingSentence' | 'mask' | 'reportOf'>): {
  examination: string;
  indication: string;
  findings: string[];
  findingSentence: string | null;
  impression: string[];
} {
  const r = rng(c.variant);
  const one = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const portable = c.devices.length > 0 || r() < 0.3;
  const examination = portable ? 'CHEST PORTABLE AP' : one(['CHEST (PA AND LATERAL)', 'Chest radiograph, PA view.']);
  const indication = one(INDICATIONS);
  const findings: string[] = c.devices.map((d) => one(DEVICE_SENTENCES[d]));
  let findingSentence: string | null = null;
  if (c.finding !== 'none') {
    findingSentence = fill(one(FINDING_SENTENCES[c.finding]), c);
    findings.push(findingSentence);
    findings.push('The lungs are otherwise clear.');
  } else {
    findings.push(one(['The lungs are clear.', 'The lungs are well expanded and clear.']));
  }
  if (c.finding !== 'effusion')
    findings.push(
      c.finding === 'none'
        ? 'No focal consolidation, pleural effusion or pneumothorax.'
        : 'No pleural effusion or pneumothorax.',
    );
  else findings.push('No pneumothorax.');
  findings.push(one(HEART));
  if (r() < 0.6) findings.push(one(BONES));
  const impression = [fill(one(IMPRESSIONS[c.finding]), c)];
  if (c.devices.length)
    impression.push(one(['Support devices as above.', 'Lines and tubes in satisfactory position.']));
  return { examination, indication, findings, findingSentence, impression };
}

function compose(p: ReturnType<typeof reportParts>, findings: string[]): string {
  const comparison = 'None.';
  return `EXAMINATION: ${p.examination}\n\nINDICATION: ${p.indication}\n\nCOMPARISON: ${comparison}\n\nFINDINGS: ${findings.join(' ')}\n\nIMPRESSION: ${p.impression.join(' ')}\n`;
}

/** The report text a case's folder holds (its own report, or the other case's when swapped; with the planted sentence edits). */
export function reportFor(c: SyntheticCase, byId?: Map<string, SyntheticCase>): string {
  const src = c.reportOf !== c.id && byId ? byId.get(c.reportOf)! : c;
  const p = reportParts(src);
  const findings = [...p.findings];
  if (src === c && c.flippedSentence) {
    const i = findings.indexOf(c.flippedSentence.original);
    findings[i] = c.flippedSentence.text;
  }
  if (src === c && c.foreignSentence) {
    // after the devices and the own finding sentence, before the negatives
    const at = Math.min(findings.length, c.devices.length + (c.finding !== 'none' ? 1 : 0));
    findings.splice(at, 0, c.foreignSentence.text);
  }
  return compose(p, findings);
}

// ------------------------------------------------------------------ drawing

const f2 = (v: number) => v.toFixed(2);

interface Geometry {
  svg: string; // the finding's shape (no paint), or '' for none
  paint: string; // how the finding is painted in the image
}

/** Where a case's finding lies: an SVG element in image pixels. The patient's right is the image's left. */
function findingShape(c: SyntheticCase, s: number, r: () => number): Geometry {
  if (c.finding === 'none') return { svg: '', paint: '' };
  const P = (x: number) => f2(x * s);
  const mirror = (x: number) => (c.side === 'right' ? x : 1 - x);
  const zy = { upper: 0.27, middle: 0.43, lower: 0.58 }[c.zone] + (r() - 0.5) * 0.05;
  const cx = mirror(0.29 + (r() - 0.5) * 0.06);
  if (c.finding === 'nodule') {
    const rad = 0.028 + r() * 0.012;
    return { svg: `<circle cx="${P(cx)}" cy="${P(zy)}" r="${P(rad)}"`, paint: 'fill="#e4e4e4" filter="url(#soft)"' };
  }
  if (c.finding === 'opacity') {
    const rx = 0.07 + r() * 0.03;
    const ry = 0.05 + r() * 0.025;
    return {
      svg: `<ellipse cx="${P(cx)}" cy="${P(zy)}" rx="${P(rx)}" ry="${P(ry)}"`,
      paint: 'fill="#c4c4c4" filter="url(#blur)" opacity="0.9"',
    };
  }
  // effusion: fluid in the lower lung with a meniscus rising laterally, clipped to the lung
  const top = 0.57 + r() * 0.06;
  const lat = mirror(0.08);
  const mid = mirror(0.28);
  const med = mirror(0.5);
  return {
    svg: `<path d="M ${P(lat)} ${P(top - 0.07)} Q ${P(mid)} ${P(top + 0.02)} ${P(med)} ${P(top)} L ${P(med)} ${P(0.9)} L ${P(lat)} ${P(0.9)} Z" clip-path="url(#lung-${c.side})"`,
    paint: 'fill="#b8b8b8" filter="url(#soft)"',
  };
}

function lungPath(s: number, side: Side, drop: number): string {
  const m = (x: number) => f2((side === 'right' ? x : 1 - x) * s);
  const y = (v: number) => f2((v + drop) * s);
  return `M ${m(0.45)} ${f2(0.2 * s)} C ${m(0.41)} ${f2(0.11 * s)} ${m(0.3)} ${f2(0.1 * s)} ${m(0.24)} ${f2(0.15 * s)} C ${m(0.16)} ${f2(0.24 * s)} ${m(0.12)} ${y(0.5)} ${m(0.125)} ${y(0.78)} Q ${m(0.28)} ${y(0.6)} ${m(0.45)} ${y(0.69)} L ${m(0.46)} ${f2(0.45 * s)} Z`;
}

function defs(s: number): string {
  return `<defs>
<filter id="blur" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${f2(s * 0.018)}"/></filter>
<filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${f2(s * 0.006)}"/></filter>
<linearGradient id="body" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4a4a4a"/><stop offset="1" stop-color="#7a7a7a"/></linearGradient>
<clipPath id="lung-right"><path d="${lungPath(s, 'right', 0)}"/></clipPath>
<clipPath id="lung-left"><path d="${lungPath(s, 'left', 0.02)}"/></clipPath>
</defs>`;
}

function devicesSvg(c: SyntheticCase, s: number): string {
  const P = (x: number) => f2(x * s);
  const w = f2(Math.max(1, s * 0.007));
  const out: string[] = [];
  if (c.devices.includes('et-tube')) {
    out.push(
      `<path d="M ${P(0.5)} 0 L ${P(0.5)} ${P(0.3)}" stroke="#dcdcdc" stroke-width="${f2(Math.max(1.5, s * 0.022))}" fill="none" opacity="0.55"/>`,
    );
    out.push(`<path d="M ${P(0.503)} 0 L ${P(0.503)} ${P(0.3)}" stroke="#f4f4f4" stroke-width="${w}" fill="none"/>`);
  }
  if (c.devices.includes('central-line')) {
    out.push(
      `<path d="M ${P(0.4)} 0 C ${P(0.42)} ${P(0.12)} ${P(0.45)} ${P(0.18)} ${P(0.46)} ${P(0.37)}" stroke="#ececec" stroke-width="${w}" fill="none"/>`,
    );
  }
  if (c.devices.includes('pacemaker')) {
    out.push(
      `<rect x="${P(0.68)}" y="${P(0.15)}" width="${P(0.11)}" height="${P(0.075)}" rx="${P(0.02)}" fill="#f2f2f2"/>`,
    );
    out.push(
      `<path d="M ${P(0.7)} ${P(0.19)} C ${P(0.6)} ${P(0.22)} ${P(0.5)} ${P(0.35)} ${P(0.46)} ${P(0.52)}" stroke="#eaeaea" stroke-width="${w}" fill="none"/>`,
    );
    out.push(
      `<path d="M ${P(0.7)} ${P(0.2)} C ${P(0.62)} ${P(0.3)} ${P(0.55)} ${P(0.45)} ${P(0.52)} ${P(0.66)}" stroke="#eaeaea" stroke-width="${w}" fill="none"/>`,
    );
  }
  return out.join('\n');
}

/** SVG of a frontal chest radiograph-like image (before noise). The patient's left is the image's right. */
export function svgFor(c: SyntheticCase, size: number, withFinding = true): string {
  const s = size;
  const r = rng(c.variant ^ 0x5bd1e995);
  const P = (x: number) => f2(x * s);
  const shape = findingShape(c, s, r);
  const ribs: string[] = [];
  for (let i = 0; i < 9; i++) {
    const y = 0.17 + i * 0.066;
    for (const m of [(x: number) => x, (x: number) => 1 - x]) {
      ribs.push(
        `<path d="M ${P(m(0.47))} ${P(y)} C ${P(m(0.38))} ${P(y - 0.045)} ${P(m(0.17))} ${P(y - 0.025)} ${P(m(0.11))} ${P(y + 0.085)}" stroke="#b0b0b0" stroke-width="${f2(s * 0.013)}" fill="none" opacity="0.24"/>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">
${defs(s)}
<rect width="${s}" height="${s}" fill="#0c0c0c"/>
<path d="M 0 ${P(0.22)} Q ${P(0.08)} ${P(0.08)} ${P(0.37)} ${P(0.07)} L ${P(0.4)} 0 L ${P(0.6)} 0 L ${P(0.63)} ${P(0.07)} Q ${P(0.92)} ${P(0.08)} ${s} ${P(0.22)} L ${s} ${s} L 0 ${s} Z" fill="url(#body)"/>
<path d="${lungPath(s, 'right', 0)}" fill="#242424" filter="url(#soft)"/>
<path d="${lungPath(s, 'left', 0.02)}" fill="#242424" filter="url(#soft)"/>
<rect x="${P(0.475)}" y="0" width="${P(0.05)}" height="${s}" fill="#9a9a9a" opacity="0.5"/>
<path d="M ${P(0.49)} 0 L ${P(0.49)} ${P(0.34)} L ${P(0.44)} ${P(0.41)} M ${P(0.51)} 0 L ${P(0.51)} ${P(0.34)} L ${P(0.56)} ${P(0.41)}" stroke="#2e2e2e" stroke-width="${f2(s * 0.012)}" fill="none" opacity="0.6"/>
<ellipse cx="${P(0.555)}" cy="${P(0.6)}" rx="${P(0.15 + (r() - 0.5) * 0.03)}" ry="${P(0.12)}" fill="#a0a0a0" opacity="0.85" filter="url(#soft)"/>
<circle cx="${P(0.56)}" cy="${P(0.33)}" r="${P(0.035)}" fill="#8e8e8e" opacity="0.8" filter="url(#soft)"/>
${ribs.join('\n')}
<path d="M ${P(0.12)} ${P(0.15)} Q ${P(0.3)} ${P(0.21)} ${P(0.46)} ${P(0.18)} M ${P(0.88)} ${P(0.15)} Q ${P(0.7)} ${P(0.21)} ${P(0.54)} ${P(0.18)}" stroke="#bcbcbc" stroke-width="${f2(s * 0.024)}" fill="none" opacity="0.8" stroke-linecap="round"/>
${withFinding && shape.svg ? `${shape.svg} ${shape.paint}/>` : ''}
${devicesSvg(c, s)}
</svg>`;
}

/** SVG of the case's ground-truth mask: white where the finding is, black elsewhere. */
export function maskSvgFor(c: SyntheticCase, size: number): string {
  const s = size;
  const shape = findingShape(c, s, rng(c.variant ^ 0x5bd1e995));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">
${defs(s)}
<rect width="${s}" height="${s}" fill="#000"/>
${shape.svg ? `${shape.svg} fill="#fff"/>` : ''}
</svg>`;
}

async function greyRaw(svg: string, size: number): Promise<Buffer> {
  const { data, info } = await sharp(Buffer.from(svg))
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 1 && info.width === size && info.height === size) return data;
  const out = Buffer.alloc(size * size);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels];
  return out;
}

/** Renders a case: the radiograph-like image (with lung texture and quantum noise) and its mask, both PNG. */
export async function renderCase(
  c: SyntheticCase,
  size: number,
  opts: { withFinding?: boolean } = {},
): Promise<{ png: Buffer; mask: Buffer }> {
  const img = await greyRaw(svgFor(c, size, opts.withFinding ?? true), size);
  // texture: low-frequency value noise (vessels/lung markings stand-in) + fine noise, same for a case with or without its finding
  const r = rng(c.variant ^ 0x2545f491);
  const g = 9;
  const lattice = Array.from({ length: (g + 1) * (g + 1) }, () => r() - 0.5);
  const px = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const gy = (y / size) * g;
    const y0 = Math.floor(gy);
    const ty = gy - y0;
    for (let x = 0; x < size; x++) {
      const gx = (x / size) * g;
      const x0 = Math.floor(gx);
      const tx = gx - x0;
      const a = lattice[y0 * (g + 1) + x0] * (1 - tx) + lattice[y0 * (g + 1) + x0 + 1] * tx;
      const b = lattice[(y0 + 1) * (g + 1) + x0] * (1 - tx) + lattice[(y0 + 1) * (g + 1) + x0 + 1] * tx;
      px[y * size + x] = (a * (1 - ty) + b * ty) * 22 + (r() + r() + r() - 1.5) * 9;
    }
  }
  const out = Buffer.alloc(size * size);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(img[i] + px[i])));
  const png = await sharp(out, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
  const maskRaw = await greyRaw(maskSvgFor(c, size), size);
  for (let i = 0; i < maskRaw.length; i++) maskRaw[i] = maskRaw[i] >= 128 ? 255 : 0;
  const mask = await sharp(maskRaw, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
  return { png, mask };
}

/** Writes the dataset and returns its cases (with which report each folder really holds). */
export async function writeSyntheticDataset(dir: string, opts: SyntheticOptions): Promise<SyntheticCase[]> {
  const size = opts.size ?? 256;
  const cases = planCases(opts);
  const byId = new Map(cases.map((c) => [c.id, c]));
  await mkdir(join(dir, '.truth'), { recursive: true });
  for (const c of cases) {
    const folder = opts.layout === 'study-folder' ? join(dir, c.id) : dir;
    await mkdir(folder, { recursive: true });
    const { png, mask } = await renderCase(c, size);
    const report = reportFor(c, byId);
    if (opts.layout === 'study-folder') {
      await writeFile(join(folder, 'frontal.png'), png);
      await writeFile(join(folder, 'report.txt'), report);
    } else {
      await writeFile(join(folder, `${c.id}.png`), png);
      await writeFile(join(folder, `${c.id}.txt`), report);
    }
    await writeFile(join(dir, c.mask), mask);
  }
  await writeFile(join(dir, '.truth.json'), JSON.stringify(cases, null, 1) + '\n');
  return cases;
}
