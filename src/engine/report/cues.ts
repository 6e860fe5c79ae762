// NegEx-style negation and uncertainty cues, scoped to one sentence.
//
// Triggers are whole-word phrases matched case-insensitively; where triggers overlap, the one that
// starts first and then the longest wins, so "cannot be excluded" (uncertainty) hides its "not",
// and pseudo-triggers ("no change", "not only") hide the "no"/"not" inside them without being cues.
//
// `negated` is sentence-level with one refinement of NegEx scope: the sentence is cut into clauses
// at contrast words ("but", "however", "although", "except", …) and semicolons, and it is negated
// only when EVERY clause holds a negation cue. So "No effusion but there is a left opacity." has the
// cue "no" yet is not negated: it still asserts an opacity; likewise "Opacity without effusion." and
// "Opacity and no effusion.". Within a clause no finer scope is computed, so "Known HIV not on
// treatment." counts as negated, and "Although the heart is enlarged, there is no edema." too
// (both known limitations).
// `uncertain` is true when any uncertainty cue is present.

type CueKind = 'negation' | 'uncertainty' | 'pseudo';

const NEGATION = [
  'no',
  'not',
  'without',
  'negative for',
  'free of',
  'absence of',
  'absent',
  'no evidence of',
  'no evidence for',
  'no sign of',
  'no signs of',
  'no longer',
  'resolved',
  'resolution of',
  'ruled out',
  'denies',
  'denied',
  'never',
  'none',
  'neither',
  'nor',
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "doesn't",
  "didn't",
  "don't",
  "hasn't",
  "haven't",
];

const UNCERTAINTY = [
  'may represent',
  'may reflect',
  'may indicate',
  'may be',
  'might',
  'could represent',
  'could reflect',
  'could be',
  'cannot exclude',
  'can not exclude',
  'cannot be excluded',
  'can not be excluded',
  "can't be excluded",
  "can't exclude",
  'cannot rule out',
  'cannot be ruled out',
  'can not be ruled out',
  'not excluded',
  'not be excluded',
  'not ruled out',
  'not be ruled out',
  'rule out',
  'possible',
  'possibly',
  'probable',
  'probably',
  'likely',
  'most likely',
  'unlikely',
  'suggest',
  'suggests',
  'suggested',
  'suggesting',
  'suggestive of',
  'questionable',
  'question of',
  'concerning for',
  'concern for',
  'suspicious for',
  'suspicion of',
  'suspected',
  'suspect',
  'versus',
  'vs',
  'differential',
  'equivocal',
  'indeterminate',
  'uncertain',
  'not certain',
  'unclear',
  'not clear',
  'presumed',
  'presumably',
  'perhaps',
];

/** Look like negations but assert something: "no change in the effusion" keeps the effusion. */
const PSEUDO = [
  'no change',
  'no significant change',
  'no interval change',
  'no significant interval change',
  'no definite change',
  'no appreciable change',
  'not changed',
  'not significantly changed',
  'without change',
  'without significant change',
  'without interval change',
  'no increase',
  'not only',
  'whether or not',
  'gram negative',
  'not resolved',
  'partially resolved',
  'incompletely resolved',
  'not yet resolved',
  'not shown',
  'no resolution',
  'without resolution',
];

interface Trigger {
  kind: CueKind;
  pattern: RegExp;
}

function phrasePattern(phrase: string): RegExp {
  const body = phrase
    .split(' ')
    .map((w) => w.replace(/[.*+?^${}()|[\]\\']/g, '\\$&'))
    .join('\\s+');
  // "No. 3" is a number, not a negation.
  const guard = phrase === 'no' ? '(?!\\.\\s*\\d)' : '';
  return new RegExp(`(?<![\\w'])${body}(?![\\w'])${guard}`, 'gi');
}

const TRIGGERS: Trigger[] = [
  ...NEGATION.map((p) => ({ kind: 'negation' as const, pattern: phrasePattern(p) })),
  // "clear" negates only as a predicate of the lungs/spaces: "lungs are clear", "remain clear".
  // The look-behind comes after the word so it is tried only where "clear" stands: in front, it
  // would run back over a long whitespace run from every position in it (quadratic in the run).
  {
    kind: 'negation',
    pattern: /clear(?<=\b(?:is|are|remains?|appears?|lungs?)\s+(?:now\s+|otherwise\s+|grossly\s+)?clear)\b/gi,
  },
  ...UNCERTAINTY.map((p) => ({ kind: 'uncertainty' as const, pattern: phrasePattern(p) })),
  ...PSEUDO.map((p) => ({ kind: 'pseudo' as const, pattern: phrasePattern(p) })),
];

// Contrast words end a negation's scope. "without", "with no" and "and no" also open a clause of their
// own, because what comes before them is asserted: "Opacity without effusion", "Opacity and no effusion".
const CLAUSE_BREAK =
  /;|(?<!\w)(?:but|however|although|though|except|aside\s+from|apart\s+from|whereas|without|(?:with|and)(?=\s+no\b))(?!\w)/gi;

export interface CueResult {
  negated: boolean;
  uncertain: boolean;
  /** The cue phrases, lower-case with single spaces, in order of appearance. */
  cues: string[];
}

interface Hit {
  kind: CueKind;
  start: number;
  end: number;
}

/** Negation and uncertainty cues of one sentence. */
export function findCues(sentence: string): CueResult {
  const hits = selectHits(sentence);
  const cues = hits
    .filter((h) => h.kind !== 'pseudo')
    .map((h) => sentence.slice(h.start, h.end).toLowerCase().replace(/\s+/g, ' '));
  const negationStarts = hits.filter((h) => h.kind === 'negation').map((h) => h.start);
  const negated = negationStarts.length > 0 && everyClauseHolds(clauseRanges(sentence), negationStarts);
  return { negated, uncertain: hits.some((h) => h.kind === 'uncertainty'), cues };
}

/**
 * Whether every clause holds one of the (ascending) positions. One merged pass over both sorted
 * lists, so a long run-on sentence of "no … but no …" clauses costs clauses + cues, not their product.
 */
function everyClauseHolds(clauses: Array<[number, number]>, positions: number[]): boolean {
  let k = 0;
  for (const [from, to] of clauses) {
    while (k < positions.length && positions[k] < from) k++;
    if (k === positions.length || positions[k] >= to) return false;
  }
  return true;
}

/** All trigger matches, overlaps resolved: earliest start first, then the longest. */
function selectHits(sentence: string): Hit[] {
  const all: Hit[] = [];
  for (const { kind, pattern } of TRIGGERS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(sentence); m; m = pattern.exec(sentence)) {
      all.push({ kind, start: m.index, end: m.index + m[0].length });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: Hit[] = [];
  for (const hit of all) {
    const last = chosen[chosen.length - 1];
    if (!last || hit.start >= last.end) chosen.push(hit);
  }
  return chosen;
}

/** Clause ranges split at contrast words; clauses without letters (e.g. before "However,") are left out. */
function clauseRanges(sentence: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = 0;
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(sentence); m; m = CLAUSE_BREAK.exec(sentence)) {
    ranges.push([from, m.index]);
    from = m.index;
  }
  ranges.push([from, sentence.length]);
  return ranges.filter(([a, b]) => /\p{L}/u.test(sentence.slice(a, b).replace(CLAUSE_BREAK, '')));
}
