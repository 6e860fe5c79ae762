// Synthetic radiology reports of any length, for the cost test and the benchmark: varied, realistic
// sentences (negations, hedges, decimals, "Dr.", numbered lists, placeholders, CRLF, headings) so
// every branch of the parser and the consistency scorer gets exercised, seeded so runs repeat.

import { rng as seededRandom } from '../../src/sample/synthetic-dataset';

const SIDES = ['right', 'left', 'bilateral'];
const ZONES = ['upper', 'middle', 'lower'];
const FINDINGS = [
  'opacity',
  'consolidation',
  'atelectasis',
  'nodule',
  'effusion',
  'infiltrate',
  'scarring',
  'granuloma',
  'mass',
];
const DEVICES = [
  'endotracheal tube',
  'nasogastric tube',
  'right internal jugular catheter',
  'left chest tube',
  'pacemaker lead',
];

const TEMPLATES: Array<(pick: <T>(xs: T[]) => T, n: () => string) => string> = [
  (p) => `No ${p(['pleural effusion', 'pneumothorax', 'focal consolidation', 'pulmonary edema'])}.`,
  (p) => `There is a ${p(['small', 'moderate', 'large'])} ${p(SIDES)} ${p(['pleural effusion', 'pneumothorax'])}.`,
  (p, n) => `A ${n()} cm ${p(FINDINGS)} is seen in the ${p(SIDES)} ${p(ZONES)} lobe.`,
  (p) => `The ${p(DEVICES)} terminates ${p(['2.5', '3.1', '4.0', '5'])} cm above the carina.`,
  (p) => `Heart size is ${p(['normal', 'mildly enlarged', 'at the upper limits of normal'])}.`,
  (p) =>
    `${p(['Patchy', 'Streaky', 'Hazy'])} ${p(SIDES)} basal ${p(FINDINGS)} may represent atelectasis, but pneumonia cannot be excluded.`,
  () => 'The lungs are clear without focal consolidation.',
  (p) => `No change in the ${p(SIDES)} ${p(FINDINGS)} since [**2101-3-14**].`,
  (p) =>
    `Findings were discussed with Dr. ${p(['Smith', 'Lee', 'Okafor', 'Müller'])} at 10:${p(['05', '30', '45'])} a.m. on the day of the study.`,
  (p) =>
    `Mediastinal contours are ${p(['unremarkable', 'stable', 'widened'])}; the hila are ${p(['normal', 'prominent'])}.`,
  (p) =>
    `Degenerative changes of the ${p(['thoracic spine', 'shoulders', 'acromioclavicular joints'])} are noted, e.g. osteophytes.`,
  (p) =>
    `Possible ${p(['early', 'developing'])} ${p(['pneumonia', 'edema', 'aspiration'])} in the ${p(SIDES)} lung base?`,
  (p, n) => `Compared with the prior study, the ${p(FINDINGS)} measures ${n()} x ${n()} cm, previously ${n()} cm.`,
  () => 'No acute cardiopulmonary process.',
  (p) => `Interval resolution of the ${p(SIDES)} ${p(FINDINGS)}.`,
  (p) => `Surgical clips project over the ${p(['right upper quadrant', 'left axilla', 'mediastinum'])}.`,
];

const HEADINGS = ['FINDINGS:', 'IMPRESSION:', 'Imaging notes:', 'COMPARISON:', 'INDICATION:'];

/** One report of `count` sentences, in sections of a few hundred, with numbered lists, CRLF paragraphs and wraps. */
export function longReport(count: number, seed = 1): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const n = () => (1 + random() * 9).toFixed(1);
  const parts: string[] = [];
  let listItem = 0;
  for (let i = 0; i < count; i++) {
    if (i % 300 === 0) parts.push(`${i ? '\n\n' : ''}${pick(HEADINGS)}\n`);
    const sentence = pick(TEMPLATES)(pick, n);
    const r = random();
    if (r < 0.1)
      parts.push(`\n${++listItem % 20}. ${sentence}`); // numbered list item
    else if (r < 0.13)
      parts.push(`\r\n\r\n${sentence}`); // a CRLF paragraph break
    else if (r < 0.2)
      parts.push(`\n${sentence}`); // a hard wrap: not a boundary
    else parts.push(`${i % 300 === 0 ? '' : ' '}${sentence}`);
  }
  return parts.join('') + '\n';
}
