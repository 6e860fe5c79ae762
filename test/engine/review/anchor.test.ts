// Flags follow their sentence by text: the same sentence under another index, the sentence that
// now contains the flagged text, and otherwise orphaned — never moved onto another sentence.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anchorFlag, anchorFlags } from '../../../src/engine/review';

const spans = (...texts: string[]) => {
  let at = 0;
  return texts.map((text) => {
    const s = { text, start: at, end: at + text.length };
    at += text.length + 1;
    return s;
  });
};

describe('flag anchoring', () => {
  const report = spans('Heart size normal.', 'Left effusion.', 'No pneumothorax.');

  it('stays on its sentence while the text there is the same (whitespace aside)', () => {
    assert.equal(anchorFlag({ sentence: 1, sentenceText: 'Left  effusion.\n' }, report), 1);
  });

  it('follows the text to another index after a re-parse or an edit above it', () => {
    const edited = spans('Comparison: none.', 'Heart size normal.', 'Left effusion.', 'No pneumothorax.');
    assert.equal(anchorFlag({ sentence: 1, sentenceText: 'Left effusion.', start: 19 }, edited), 2);
  });

  it('goes to the sentence that now contains it when a splitter joined two sentences', () => {
    const joined = spans('Heart size normal.', 'Left effusion. No pneumothorax.');
    assert.equal(anchorFlag({ sentence: 2, sentenceText: 'No pneumothorax.' }, joined), 1);
  });

  it('of several equal sentences, takes the one nearest to where it was', () => {
    const twice = spans('No effusion.', 'Heart normal.', 'Lungs clear.', 'No effusion.');
    assert.equal(anchorFlag({ sentence: 0, sentenceText: 'No effusion.', start: 44 }, twice), 3);
    assert.equal(
      anchorFlag(
        { sentence: 3, sentenceText: 'No effusion.', start: 0 },
        spans('Heart normal.', 'No effusion.', 'x.', 'y.', 'No effusion.'),
      ),
      1,
    );
  });

  it('is orphaned when its sentence was edited or removed, even where the index still exists', () => {
    const edited = spans('Heart size normal.', 'Right effusion.', 'No pneumothorax.');
    const result = anchorFlags(
      [
        { sentence: 1, sentenceText: 'Left effusion.' },
        { sentence: 2, sentenceText: 'No pneumothorax.' },
      ],
      edited,
    );
    assert.deepEqual(
      result.orphaned.map((f) => f.sentenceText),
      ['Left effusion.'],
    );
    assert.deepEqual(
      result.anchored.map((a) => a.sentence),
      [2],
    );
  });

  it('old flags without text keep their index while it exists', () => {
    assert.equal(anchorFlag({ sentence: 2 }, report), 2);
    assert.equal(anchorFlag({ sentence: 5 }, report), null);
  });

  it('property: a flag is anchored only to a sentence whose text contains its own', () => {
    const word = fc.constantFrom('Left', 'right', 'effusion', 'no', 'heart', 'normal', 'lungs', 'clear');
    const sentence = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => `${w.join(' ')}.`);
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 8 }),
        fc.array(sentence, { minLength: 0, maxLength: 8 }),
        fc.nat(),
        (before, after, pick) => {
          const old = spans(...before);
          const i = pick % old.length;
          const now = spans(...after);
          const at = anchorFlag({ sentence: i, sentenceText: old[i].text, start: old[i].start }, now);
          if (at === null) return !now.some((s) => s.text.includes(old[i].text));
          return (
            now[at].text.includes(old[i].text) &&
            (now[at].text === old[i].text || !now.some((s) => s.text === old[i].text))
          );
        },
      ),
    );
  });
});
