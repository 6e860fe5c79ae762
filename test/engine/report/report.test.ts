import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseReport } from '../../../src/engine/report';
import { findCues } from '../../../src/engine/report/cues';
import { detectHeadings } from '../../../src/engine/report/sections';
import type { ParsedReport, SectionName } from '../../../src/engine/types';
import { requireShared } from '../../helpers/shared-data';

/** Expected sentence: section, exact text, and flags ('N' negated, 'U' uncertain; '' for neither). */
type ExpectedSentence = [SectionName, string, ('' | 'N' | 'U' | 'NU')?];

interface ReportCase {
  name: string;
  text: string;
  /** [name, heading as written] per section, in order. */
  sections: Array<[SectionName, string]>;
  sentences: ExpectedSentence[];
}

const IMAGE_SECTIONS = new Set<SectionName>(['findings', 'impression', 'imaging-notes', 'body']);
/** What may lie outside every sentence and heading: list markers and separator lines. */
const MARKER = /^(?:\d{1,2}[.)]|[a-h][.)]|[-*•·]|([_=\-*])\1{3,})$/;

/** Invariants every parse must hold, whatever the text. */
function assertInvariants(source: string, parsed: ParsedReport, label: string): void {
  assert.equal(parsed.text, source, `${label}: text is returned unchanged`);
  let previousEnd = 0;
  for (const s of parsed.sentences) {
    assert.equal(source.slice(s.start, s.end), s.text, `${label}: offsets of ${JSON.stringify(s.text)}`);
    assert.ok(
      s.text.length > 0 && s.text.trim() === s.text,
      `${label}: sentence trimmed and non-empty: ${JSON.stringify(s.text)}`,
    );
    assert.ok(s.start >= previousEnd, `${label}: sentences in order, not overlapping at ${s.start}`);
    previousEnd = s.end;
    assert.equal(
      s.describesImage,
      IMAGE_SECTIONS.has(s.section),
      `${label}: describesImage of a ${s.section} sentence`,
    );
    const inSection = parsed.sections.some((x) => x.name === s.section && x.start <= s.start && s.end <= x.end);
    assert.ok(inSection, `${label}: ${JSON.stringify(s.text)} lies inside a ${s.section} section`);
  }
  let sectionEnd = 0;
  for (const x of parsed.sections) {
    assert.ok(x.start >= sectionEnd && x.end >= x.start, `${label}: sections ordered, ${x.name} at ${x.start}`);
    sectionEnd = x.end;
  }
  // Every visible character is in a sentence or a heading, except list markers.
  const covered = new Uint8Array(source.length);
  for (const s of parsed.sentences) covered.fill(1, s.start, s.end);
  for (const h of detectHeadings(source)) covered.fill(1, h.start, h.bodyStart);
  const uncovered = source
    .replace(/[^]/g, (ch, i: number) => (covered[i] ? ' ' : ch))
    .split(/\s+/)
    .filter(Boolean);
  for (const rest of uncovered)
    assert.match(rest, MARKER, `${label}: ${JSON.stringify(rest)} is outside every sentence`);
}

const CASES: ReportCase[] = [
  {
    name: 'MIMIC-CXR with FINAL REPORT banner and ___ placeholders',
    text:
      '                                 FINAL REPORT\n' +
      ' EXAMINATION:  CHEST (PA AND LAT)\n \n' +
      ' INDICATION:  ___F with cough and fever, evaluate for pneumonia.\n \n' +
      ' TECHNIQUE:  Chest PA and lateral\n \n' +
      ' COMPARISON:  ___\n \n' +
      ' FINDINGS: \n \n' +
      ' The lungs are clear without focal consolidation.  No pleural effusion or\n' +
      ' pneumothorax is seen.  Dr. ___ was notified at ___ on ___.\n \n' +
      ' IMPRESSION: \n \n' +
      ' No acute cardiopulmonary process.\n',
    sections: [
      ['technique', 'EXAMINATION'],
      ['indication', 'INDICATION'],
      ['technique', 'TECHNIQUE'],
      ['comparison', 'COMPARISON'],
      ['findings', 'FINDINGS'],
      ['impression', 'IMPRESSION'],
    ],
    sentences: [
      ['technique', 'CHEST (PA AND LAT)'],
      ['indication', '___F with cough and fever, evaluate for pneumonia.'],
      ['technique', 'Chest PA and lateral'],
      ['comparison', '___'],
      ['findings', 'The lungs are clear without focal consolidation.', 'N'],
      ['findings', 'No pleural effusion or\n pneumothorax is seen.', 'N'],
      ['findings', 'Dr. ___ was notified at ___ on ___.'],
      ['impression', 'No acute cardiopulmonary process.', 'N'],
    ],
  },
  {
    name: 'IU X-ray style, sections inline on one line',
    text: 'FINDINGS: The heart is normal in size. The lungs are clear. IMPRESSION: No active disease.',
    sections: [
      ['findings', 'FINDINGS'],
      ['impression', 'IMPRESSION'],
    ],
    sentences: [
      ['findings', 'The heart is normal in size.'],
      ['findings', 'The lungs are clear.', 'N'],
      ['impression', 'No active disease.', 'N'],
    ],
  },
  {
    name: 'MIMIC old style with [** **] placeholders and separator lines',
    text:
      '[**2101-10-3**] 3:15 PM\n' +
      ' CHEST (PORTABLE AP)                     Clip # [**Clip Number (Radiology) 12345**]\n' +
      ' Reason: eval for infiltrate\n' +
      ' ______________________________________________________________________________\n' +
      ' [**Hospital 4**] MEDICAL CONDITION:\n' +
      '  74 year old woman with hypoxia, transferred from [**Hospital 1234**]. Dr. [**Last Name (STitle) 123**] aware.\n' +
      ' ______________________________________________________________________________\n' +
      '                                 FINAL REPORT\n' +
      ' HISTORY:  Hypoxia.\n' +
      ' FINDINGS:  Compared to [**2101-9-30**], there is a new right lower lobe opacity\n' +
      ' which may represent pneumonia.\n',
    sections: [
      ['body', ''],
      ['indication', 'Reason'],
      ['history', 'MEDICAL CONDITION'],
      ['history', 'HISTORY'],
      ['findings', 'FINDINGS'],
    ],
    sentences: [
      [
        'body',
        '[**2101-10-3**] 3:15 PM\n CHEST (PORTABLE AP)                     Clip # [**Clip Number (Radiology) 12345**]',
      ],
      ['indication', 'eval for infiltrate'],
      // The placeholder stands where MIMIC wrote "UNDERLYING": kept, as the end of the section before.
      ['indication', '[**Hospital 4**]'],
      ['history', '74 year old woman with hypoxia, transferred from [**Hospital 1234**].'],
      ['history', 'Dr. [**Last Name (STitle) 123**] aware.'],
      ['history', 'Hypoxia.'],
      [
        'findings',
        'Compared to [**2101-9-30**], there is a new right lower lobe opacity\n which may represent pneumonia.',
        'U',
      ],
    ],
  },
  {
    name: 'numbered impression list, one item per line, "1." and "2)" markers left out',
    text: 'IMPRESSION:\n1. Small left pleural effusion.\n2) Patchy opacity at the right base,\n   possibly atelectasis\n3. No pneumothorax.',
    sections: [['impression', 'IMPRESSION']],
    sentences: [
      ['impression', 'Small left pleural effusion.'],
      ['impression', 'Patchy opacity at the right base,\n   possibly atelectasis', 'U'],
      ['impression', 'No pneumothorax.', 'N'],
    ],
  },
  {
    name: 'numbered list run together on one line',
    text: 'IMPRESSION: 1. Small left effusion. 2. No pneumothorax. 3. Heart size is 12.5 cm.',
    sections: [['impression', 'IMPRESSION']],
    sentences: [
      ['impression', 'Small left effusion.'],
      ['impression', 'No pneumothorax.', 'N'],
      ['impression', 'Heart size is 12.5 cm.'],
    ],
  },
  {
    name: 'bullets "-", "*" and "•"',
    text: 'Findings:\n- Endotracheal tube 4 cm above the carina\n* Right IJ line in the SVC\n• No pneumothorax',
    sections: [['findings', 'Findings']],
    sentences: [
      ['findings', 'Endotracheal tube 4 cm above the carina'],
      ['findings', 'Right IJ line in the SVC'],
      ['findings', 'No pneumothorax', 'N'],
    ],
  },
  {
    name: 'hard-wrapped lines join; a blank line ends a sentence without a period',
    text: 'There is a moderate right pleural\neffusion with adjacent\natelectasis\n\nHeart size is normal',
    sections: [['body', '']],
    sentences: [
      ['body', 'There is a moderate right pleural\neffusion with adjacent\natelectasis'],
      ['body', 'Heart size is normal'],
    ],
  },
  {
    name: 'decimals and measurements never split',
    text:
      'A 2.5 cm nodule and a 1.2 x 3.4 cm mass. A 0.5mm calcification. Pulmonary pressure 57.2 mm Hg. ' +
      'The nodule measures 3 cm. The mass measures 4 mm. in diameter today.',
    sections: [['body', '']],
    sentences: [
      ['body', 'A 2.5 cm nodule and a 1.2 x 3.4 cm mass.'],
      ['body', 'A 0.5mm calcification.'],
      ['body', 'Pulmonary pressure 57.2 mm Hg.'],
      ['body', 'The nodule measures 3 cm.'],
      ['body', 'The mass measures 4 mm. in diameter today.'],
    ],
  },
  {
    name: 'abbreviations',
    text:
      'Seen by Dr. Smith and Mrs. Jones at St. Mary. Opacity measures approx. 3 cm, e.g. at the base, i.e. the left. ' +
      'Pneumonia vs. atelectasis. See Fig. 2 and image No. 3 for lines, tubes, etc. and more. Mr. Lee agreed.',
    sections: [['body', '']],
    sentences: [
      ['body', 'Seen by Dr. Smith and Mrs. Jones at St. Mary.'],
      ['body', 'Opacity measures approx. 3 cm, e.g. at the base, i.e. the left.'],
      ['body', 'Pneumonia vs. atelectasis.', 'U'],
      ['body', 'See Fig. 2 and image No. 3 for lines, tubes, etc. and more.'],
      ['body', 'Mr. Lee agreed.'],
    ],
  },
  {
    name: 'case notes: Presentation / Imaging Notes / Discussion, inline, with stray periods',
    text:
      'Presentation: Cough, shortness of breath and fever . Imaging Notes: Bilateral ground glass haze.. ' +
      'No pleural effusion. . Discussion: This is a PCR positive case. Radiological findings of COVID-19 history are typical.',
    sections: [
      ['presentation', 'Presentation'],
      ['imaging-notes', 'Imaging Notes'],
      ['discussion', 'Discussion'],
    ],
    sentences: [
      ['presentation', 'Cough, shortness of breath and fever .'],
      ['imaging-notes', 'Bilateral ground glass haze..'],
      ['imaging-notes', 'No pleural effusion. .', 'N'],
      ['discussion', 'This is a PCR positive case.'],
      ['discussion', 'Radiological findings of COVID-19 history are typical.'],
    ],
  },
  {
    name: 'case notes: heading after a sentence with no period, "Case Discussion", "Past medical history"',
    text: 'Past medical history: Diabetes. Imaging notes: Patient became RT-PCR -ve and was discharged home in stable condition Case Discussion: Typical COVID-19.',
    sections: [
      ['history', 'Past medical history'],
      ['imaging-notes', 'Imaging notes'],
      ['discussion', 'Case Discussion'],
    ],
    sentences: [
      ['history', 'Diabetes.'],
      ['imaging-notes', 'Patient became RT-PCR -ve and was discharged home in stable condition'],
      ['discussion', 'Typical COVID-19.'],
    ],
  },
  {
    name: 'unsectioned paragraph with "?wet market?", a history mention and no final period',
    text:
      'A 65-year-old man with a history of hypertension had not been exposed to a ?wet market? (a market where ' +
      'animals are sold) in Wuhan. Chest radiographs showed an infiltrate in the upper lobe of the left lung',
    sections: [['body', '']],
    sentences: [
      [
        'body',
        'A 65-year-old man with a history of hypertension had not been exposed to a ?wet market? (a market where animals are sold) in Wuhan.',
        'N',
      ],
      ['body', 'Chest radiographs showed an infiltrate in the upper lobe of the left lung'],
    ],
  },
  { name: 'empty text', text: '', sections: [], sentences: [] },
  { name: 'whitespace only', text: ' \n\t\r\n  \n', sections: [], sentences: [] },
  {
    name: 'CRLF line endings',
    text: 'FINDINGS:\r\nSmall right effusion.\r\nNo pneumothorax.\r\n\r\nIMPRESSION:\r\nSmall right\r\neffusion.\r\n',
    sections: [
      ['findings', 'FINDINGS'],
      ['impression', 'IMPRESSION'],
    ],
    sentences: [
      ['findings', 'Small right effusion.'],
      ['findings', 'No pneumothorax.', 'N'],
      ['impression', 'Small right\r\neffusion.'],
    ],
  },
  {
    name: 'headings without colon alone on their line; text before the first heading is body',
    text: 'Portable chest radiograph.\n\nFINDINGS\nMild pulmonary edema.\n\nImpression\nCongestive heart failure, likely.',
    sections: [
      ['body', ''],
      ['findings', 'FINDINGS'],
      ['impression', 'Impression'],
    ],
    sentences: [
      ['body', 'Portable chest radiograph.'],
      ['findings', 'Mild pulmonary edema.'],
      ['impression', 'Congestive heart failure, likely.', 'U'],
    ],
  },
  {
    name: 'lower-case headings; "history" and "findings" inside sentences are not headings',
    text: 'clinical history: cough.\nfindings: history of smoking noted. Findings\nare stable and the history is long.\nimpression: stable.',
    sections: [
      ['history', 'clinical history'],
      ['findings', 'findings'],
      ['impression', 'impression'],
    ],
    sentences: [
      ['history', 'cough.'],
      ['findings', 'history of smoking noted.'],
      ['findings', 'Findings\nare stable and the history is long.'],
      ['impression', 'stable.'],
    ],
  },
  {
    name: 'synonyms: REASON FOR EXAM, CONCLUSION, RECOMMENDATION(S), EXAM, an empty section',
    text: 'EXAM: Chest, 2 views.\nREASON FOR EXAM: Fever.\nFINDINGS:\nCONCLUSION: Possible early pneumonia.\nRECOMMENDATION(S): Follow-up radiograph.',
    sections: [
      ['technique', 'EXAM'],
      ['indication', 'REASON FOR EXAM'],
      ['findings', 'FINDINGS'],
      ['impression', 'CONCLUSION'],
      ['recommendation', 'RECOMMENDATION(S)'],
    ],
    sentences: [
      ['technique', 'Chest, 2 views.'],
      ['indication', 'Fever.'],
      ['impression', 'Possible early pneumonia.', 'U'],
      ['recommendation', 'Follow-up radiograph.'],
    ],
  },
  {
    name: 'ellipses and question marks',
    text: 'Opacity at the base... likely atelectasis. Pneumonia? Follow-up advised... Patient improved! Temperature 38.5 ?C today.',
    sections: [['body', '']],
    sentences: [
      ['body', 'Opacity at the base... likely atelectasis.', 'U'],
      ['body', 'Pneumonia?'],
      ['body', 'Follow-up advised...'],
      ['body', 'Patient improved!'],
      ['body', 'Temperature 38.5 ?C today.'],
    ],
  },
  {
    name: 'negation and uncertainty cues',
    text:
      'No effusion but there is a left opacity. Pneumonia cannot be excluded. A nodule is noted; normal heart, as we know. ' +
      'No change in the right effusion. The effusion has resolved. Opacity without effusion. Questionable small nodule versus vessel.',
    sections: [['body', '']],
    sentences: [
      ['body', 'No effusion but there is a left opacity.', ''],
      ['body', 'Pneumonia cannot be excluded.', 'U'],
      ['body', 'A nodule is noted; normal heart, as we know.', ''],
      ['body', 'No change in the right effusion.', ''],
      ['body', 'The effusion has resolved.', 'N'],
      ['body', 'Opacity without effusion.', ''],
      ['body', 'Questionable small nodule versus vessel.', 'U'],
    ],
  },
];

describe('report parser', () => {
  describe('table of tricky reports', () => {
    for (const c of CASES) {
      it(c.name, () => {
        const parsed = parseReport(c.text);
        assertInvariants(c.text, parsed, c.name);
        assert.deepEqual(
          parsed.sections.map((s) => [s.name, s.heading]),
          c.sections,
          'sections',
        );
        assert.deepEqual(
          parsed.sentences.map((s): ExpectedSentence => [
            s.section,
            s.text,
            `${s.negated ? 'N' : ''}${s.uncertain ? 'U' : ''}` as ExpectedSentence[2],
          ]),
          c.sentences.map(([section, text, flags]): ExpectedSentence => [section, text, flags ?? '']),
          'sentences and flags',
        );
      });
    }
  });

  it('gives section body offsets trimmed of whitespace, and an empty section at its heading', () => {
    const text = 'FINDINGS:  Clear lungs. \nIMPRESSION:\n';
    const [findings, impression] = parseReport(text).sections;
    assert.equal(text.slice(findings.start, findings.end), 'Clear lungs.');
    assert.equal(impression.start, text.indexOf('IMPRESSION:') + 'IMPRESSION:'.length);
    assert.equal(impression.end, impression.start);
  });

  it('marks which sentences describe the image by section', () => {
    const text =
      'INDICATION: Cough. HISTORY: Smoker. COMPARISON: None. TECHNIQUE: PA view. FINDINGS: Opacity. IMPRESSION: Pneumonia. RECOMMENDATION: CT.';
    const byText = Object.fromEntries(parseReport(text).sentences.map((s) => [s.text, s.describesImage]));
    assert.deepEqual(byText, {
      'Cough.': false,
      'Smoker.': false,
      'None.': false,
      'PA view.': false,
      'Opacity.': true,
      'Pneumonia.': true,
      'CT.': false,
    });
  });

  it('does not take heading words inside sentences, or capitalised after an acronym, for headings', () => {
    for (const text of [
      'Four days history of fever.',
      'He has a history: smoking.',
      'History of dry cough for 2 weeks.',
      'CT Findings: widespread ground glass.',
      'Summary of the case is below.',
      'The impression\nof the reader was clear.',
    ]) {
      assert.deepEqual(detectHeadings(text), [], text);
      assert.deepEqual(
        parseReport(text).sections.map((s) => s.name),
        ['body'],
        text,
      );
    }
  });

  describe('cues', () => {
    const table: Array<[string, boolean, boolean, string[]]> = [
      // sentence, negated, uncertain, cues
      ['No pneumothorax.', true, false, ['no']],
      ['There is no evidence of pneumonia.', true, false, ['no evidence of']],
      ['The heart is not enlarged.', true, false, ['not']],
      ['Negative for acute disease.', true, false, ['negative for']],
      ['Costophrenic angles are free of fluid.', true, false, ['free of']],
      ['Absence of pleural effusion.', true, false, ['absence of']],
      ['The lungs are clear.', true, false, ['clear']],
      ['Lungs clear.', true, false, ['clear']],
      ['Consolidation cannot be excluded.', false, true, ['cannot be excluded']],
      ['We cannot exclude early pneumonia.', false, true, ['cannot exclude']],
      ['Findings may represent atelectasis.', false, true, ['may represent']],
      ['Opacity concerning for pneumonia, possibly aspiration.', false, true, ['concerning for', 'possibly']],
      [
        'Appearance suggestive of edema; differential includes infection.',
        false,
        true,
        ['suggestive of', 'differential'],
      ],
      ['Normal nodule, known node.', false, false, []],
      ['No pleural effusion, but possible right\nbasal atelectasis.', false, true, ['no', 'possible']],
      ['No   evidence\nof pneumothorax.', true, false, ['no evidence of']],
      ['There is no change in the opacity.', false, false, []],
      ['Interval resolution of the effusion.', true, false, ['resolution of']],
      ['See image No. 3.', false, false, []],
      ['Pneumonia is likely.', false, true, ['likely']],
      ['There is an unclear nuclear shadow.', false, true, ['unclear']],
    ];
    for (const [sentence, negated, uncertain, cues] of table) {
      it(JSON.stringify(sentence), () => {
        assert.deepEqual(findCues(sentence), { negated, uncertain, cues });
      });
    }
  });

  describe('real case notes (covid-cxr metadata.csv)', function () {
    let notes: string[] = [];
    before(function () {
      const dir = requireShared(this, 'data/covid-cxr');
      const rows: Array<Record<string, string>> = parse(readFileSync(join(dir, 'metadata.csv')), {
        columns: true,
        relax_column_count: true,
        skip_empty_lines: true,
      });
      notes = [...new Set(rows.map((r) => r.clinical_notes ?? '').filter((t) => t.trim() !== ''))];
    });

    it('parses every note with exact, ordered, complete sentences', () => {
      assert.ok(notes.length > 100, `expected many notes, got ${notes.length}`);
      notes.forEach((note, i) => assertInvariants(note, parseReport(note), `note ${i}`));
    });

    it('never splits a decimal number', () => {
      let decimals = 0;
      notes.forEach((note, i) => {
        const sentences = parseReport(note).sentences;
        for (const m of note.matchAll(/\d+\.\d+/g)) {
          decimals++;
          const start = m.index!;
          const end = start + m[0].length;
          const whole = sentences.some((s) => s.start <= start && end <= s.end);
          assert.ok(whole, `note ${i}: ${JSON.stringify(m[0])} at ${start} is split or lost`);
        }
      });
      assert.ok(decimals > 50, `expected many decimals in the notes, found ${decimals}`);
    });

    it('finds the case-note sections and puts imaging notes in the image-describing sentences', () => {
      const parsed = notes.map((n) => parseReport(n));
      const withImagingNotes = parsed.filter((p) => p.sections.some((s) => s.name === 'imaging-notes'));
      assert.ok(withImagingNotes.length >= 30, `imaging-notes sections in ${withImagingNotes.length} notes`);
      for (const p of withImagingNotes) {
        const presentation = p.sentences.filter((s) => s.section === 'presentation');
        assert.ok(presentation.every((s) => !s.describesImage));
        assert.ok(p.sentences.some((s) => s.section === 'imaging-notes' && s.describesImage));
      }
    });
  });
});
