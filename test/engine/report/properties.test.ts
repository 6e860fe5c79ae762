// Properties of the report parser over arbitrary text, checked with fast-check: whatever a dataset
// holds (unicode, CRLF, "Dr.", "2.5 cm", lists, headings, blank lines, very long lines), parsing
// never throws and every sentence's offsets point back at exactly its text, in order, without
// overlap, inside the report. The review panel and the results file rely on those offsets.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseReport } from '../../../src/engine/report';
import { splitSentences } from '../../../src/engine/report/sentences';

/** Pieces radiology reports are made of, and the pieces that have broken sentence splitters. */
const ATOMS = [
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\n\n',
  '\r\n\r\n',
  '\n \n',
  '\r',
  '\u00a0',
  '\u2028',
  '.',
  '. ',
  '?',
  '!',
  '…',
  '..',
  '...',
  '"',
  "'",
  ')',
  '(',
  '[',
  ']',
  '”',
  ';',
  ':',
  ',',
  'Dr.',
  'Mr.',
  'e.g.',
  'i.e.',
  'U.S.',
  'approx.',
  'etc.',
  'cm.',
  'No. 3',
  'Jan. 22',
  'vs.',
  '2.5 cm',
  '38.5 ?C',
  '100.2? F',
  '?pneumonia',
  '1.',
  '2)',
  '12.',
  'a.',
  'b)',
  '- ',
  '* ',
  '• ',
  '·',
  '____',
  '-----',
  '=====',
  '****',
  '[**',
  '**]',
  '[**2101-3-4**]',
  '___',
  'FINDINGS:',
  'IMPRESSION:',
  'IMPRESSION',
  'Findings',
  'Imaging notes:',
  'HISTORY:',
  'clinical history:',
  'FINAL REPORT',
  'COMPARISON:',
  'Case discussion:',
  'reason for exam:',
  'No',
  'no',
  'not',
  'without',
  'but',
  'and no',
  'lungs are clear',
  'cannot be excluded',
  'no change',
  'opacity',
  'Effusion',
  'the',
  'is',
  'Right lower lobe',
  'normal.This',
  'é',
  'É',
  'ß',
  '中文',
  '😀',
  'ı',
  'İ',
];

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ATOMS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }, // lone surrogates too
);

/** Report-like text: fragments joined, sometimes with one fragment run on into a very long line. */
const reportText = fc.oneof(
  { weight: 5, arbitrary: fc.array(fragment, { maxLength: 80 }).map((parts) => parts.join('')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.array(fragment, { maxLength: 20 }),
        fc.array(fragment, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 500, max: 5000 }),
        fc.array(fragment, { maxLength: 20 }),
      )
      .map(([before, line, times, after]) => before.join('') + line.join('').repeat(times) + after.join('')),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom(...'aA1. \n\r\t?!()[]*_-=:;"\'…•'.split('')), maxLength: 300 }),
  },
);

function assertSpans(
  text: string,
  spans: Array<{ start: number; end: number; text?: string }>,
  from = 0,
  to = text.length,
): void {
  let previousEnd = from;
  for (const s of spans) {
    assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `integer offsets ${s.start}..${s.end}`);
    assert.ok(s.start >= previousEnd, `in order and not overlapping: ${s.start} after ${previousEnd}`);
    assert.ok(s.start < s.end && s.end <= to, `non-empty and within bounds: ${s.start}..${s.end} of ${from}..${to}`);
    if (s.text !== undefined)
      assert.equal(text.slice(s.start, s.end), s.text, `offsets ${s.start}..${s.end} slice back to the sentence`);
    previousEnd = s.end;
  }
}

describe('report parser properties (fast-check)', () => {
  it('on any text: never throws; offsets slice back to each sentence, increasing, non-overlapping, in bounds', () => {
    fc.assert(
      fc.property(reportText, (text) => {
        const parsed = parseReport(text);
        assert.equal(parsed.text, text);
        assertSpans(text, parsed.sentences);
        for (const s of parsed.sentences) {
          assert.equal(s.text.trim(), s.text, 'sentences are trimmed');
          const section = parsed.sections.find((x) => x.name === s.section && x.start <= s.start && s.end <= x.end);
          assert.ok(section, `${JSON.stringify(s.text)} lies inside a ${s.section} section`);
        }
        let sectionEnd = 0;
        for (const x of parsed.sections) {
          assert.ok(
            x.start >= sectionEnd && x.start <= x.end && x.end <= text.length,
            `section ${x.name} at ${x.start}..${x.end}`,
          );
          sectionEnd = x.end;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('splitting any stretch of any text keeps every span inside that stretch', () => {
    fc.assert(
      fc.property(reportText, fc.nat(), fc.nat(), (text, a, b) => {
        const from = text.length ? a % (text.length + 1) : 0;
        const to = from + (text.length - from ? b % (text.length - from + 1) : 0);
        assertSpans(text, splitSentences(text, from, to), from, to);
      }),
      { numRuns: 300 },
    );
  });
});
