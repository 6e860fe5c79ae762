import assert from 'node:assert/strict';
import { combineEvidence } from '../../../src/engine/scoring/combine';
import { inverseDocumentFrequency, sentenceConsistency, terms } from '../../../src/engine/scoring/consistency';
import { parseReport } from '../../../src/engine/report';

const reports = [
  'FINDINGS: Patchy opacity in the right lower lobe. The right lower lobe opacity is consistent with pneumonia. Heart size normal.',
  'FINDINGS: Left pleural effusion. The effusion blunts the left costophrenic angle. No pneumothorax.',
  'FINDINGS: Endotracheal tube in place. The tube tip lies above the carina. Lungs clear.',
];

describe('report-internal consistency', () => {
  const docs = reports.map((r) => terms(r));
  const idf = inverseDocumentFrequency(docs);
  const sentencesOf = (text: string) => parseReport(text).sentences.map((s) => s.text);

  it('drops stop words and short tokens, keeps finding words', () => {
    assert.deepEqual(terms('There is a 2.5 cm nodule in the left upper lobe, with no effusion.'), [
      'nodule',
      'left',
      'upper',
      'lobe',
      'effusion',
    ]);
  });

  it('a sentence pasted in from another report fits its new neighbours worse than the originals do', () => {
    const own = sentencesOf(reports[0]);
    const foreign = 'The tube tip lies above the carina.';
    const withForeign = [own[0], foreign, own[1], own[2]];
    const c = sentenceConsistency(withForeign, idf);
    assert.ok(c[1]! < c[0]! && c[1]! < c[2]!, JSON.stringify(c));
    assert.equal(c[1], 0, 'no shared content word');
  });

  it('is null when a sentence has no content words or stands alone', () => {
    assert.deepEqual(sentenceConsistency(['No.', 'Right lower lobe opacity.'], idf), [null, null]);
    assert.deepEqual(sentenceConsistency(['Right lower lobe opacity.'], idf), [null]);
  });

  it('rare shared words weigh more than common ones', () => {
    const common = inverseDocumentFrequency([['lobe', 'carina'], ['lobe'], ['lobe']]);
    assert.ok(common.get('carina')! > common.get('lobe')!);
  });
});

describe('combining image and text evidence', () => {
  const evidence = [
    { imageCosine: 0.2, consistency: 0.5 },
    { imageCosine: 0.25, consistency: 0.4 },
    { imageCosine: 0.15, consistency: 0.45 },
    { imageCosine: 0.22, consistency: 0.0 },
    { imageCosine: 0.18, consistency: 0.6 },
    { imageCosine: 0.3, consistency: null },
  ];

  it('keeps the image cosine where consistency is unknown and stays on its scale', () => {
    const c = combineEvidence(evidence);
    assert.equal(c[5], 0.3);
    for (const v of c) assert.ok(v > 0 && v < 0.4);
  });

  it('a sentence that fits neither image nor report ranks lowest; text evidence can outweigh a middling image match', () => {
    const c = combineEvidence(evidence);
    // Sentence 3 matches the image about as well as sentence 0 but fits its report not at all.
    assert.ok(c[3] < c[0]);
    assert.equal(c.indexOf(Math.min(...c)), 3);
  });

  it('with too few sentences to standardise, the evidence is the image cosine', () => {
    assert.deepEqual(combineEvidence(evidence.slice(0, 3)), [0.2, 0.25, 0.15]);
  });
});
