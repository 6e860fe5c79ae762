// Splits a stretch of report text into sentences, keeping exact offsets into the original text.
//
// Boundaries: sentence-final punctuation followed by whitespace (with the exceptions below), a
// blank line, a line that starts with a list marker or bullet, and a separator line ("_____").
// A single newline is NOT a boundary: reports are often hard-wrapped mid-sentence.
// Not boundaries: abbreviations ("Dr.", "approx.", "e.g."), "No. 3", decimals ("2.5 cm"),
// "cm."/"mm."/"etc." before a lower-case word, the number of a list item ("1."), anything inside
// a MIMIC "[** … **]" placeholder, "?" or an ellipsis before a lower-case word ("?wet market? (a
// market…"), and "?" right after a space or digit (mangled symbols such as "38.5 ?C" in the case notes).
// List markers ("1.", "2)", "a.", "-", "*", "•") are left OUT of the sentence that follows them; a piece
// holding only punctuation (the case notes' stray " . ") is joined to its neighbour.

export interface Span {
  start: number;
  end: number;
}

/** Abbreviations whose period never ends a sentence. Lower case, without the final period. */
const ALWAYS_ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'vs',
  'approx',
  'e.g',
  'i.e',
  'eg',
  'ie',
  'fig',
  'figs',
  'st',
  'cf',
  'incl',
]);
/** Abbreviations that end a sentence unless a lower-case word follows. */
const LOWER_FOLLOW_ABBREVIATIONS = new Set(['etc', 'cm', 'mm', 'resp', 'pt', 'esp']);
/** Abbreviations that do not end a sentence before a number ("No. 3", "Jan. 22"). */
const NUMBER_FOLLOW_ABBREVIATIONS = new Set([
  'no',
  'nos',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

const TERMINATORS = '.?!…';
const CLOSERS = `"'”’)]`;
/** A list marker at the start of a piece: "1." / "12)" / "a." / "-" / "*" / "•", then whitespace (or a letter after "1."). */
const LIST_MARKER = /^(?:\d{1,2}[.)](?=\s|$|[A-Za-z])|[a-h][.)](?=\s|$)|[-*•·](?=\s|$))\s*/;
/** The longest stretch a list marker and its look-ahead can span ("12." and the next character). */
const MARKER_WINDOW = 4;
const WHITESPACE = /\s/;
const ALNUM = /[A-Za-z0-9]/;

/**
 * Sentence spans within `text[from, to)`, in order, trimmed, never empty.
 *
 * Linear in `to - from`: every look-ahead is bounded (a line, a run of whitespace, a few characters)
 * or remembered (the next "**]", the next letter or digit), so a 100,000-line report costs 100,000
 * lines' work, never one pass over the rest of the text per line.
 */
export function splitSentences(text: string, from: number, to: number): Span[] {
  const pieces: Span[] = [];
  let pieceStart = from;
  const cut = (at: number, next: number) => {
    pieces.push({ start: pieceStart, end: at });
    pieceStart = next;
  };
  // Only a "**]" inside the stretch closes a placeholder; searching past `to` would make every
  // section of a report with an unclosed "[**" scan the rest of the report.
  const placeholderClose = forwardFinder((at) => {
    const k = text.slice(at, to).indexOf('**]');
    return k < 0 ? -1 : at + k;
  });
  const nextAlnum = forwardFinder((at) => {
    for (let k = at; k < to; k++) if (ALNUM.test(text[k])) return k;
    return -1;
  });

  let i = from;
  while (i < to) {
    if (text.startsWith('[**', i)) {
      const close = placeholderClose(i + 3);
      if (close >= 0) {
        i = close + 3;
        continue;
      }
    }
    const c = text[i];
    if (c === '\n') {
      const lineStart = i + 1;
      const blank = blankLineEnd(text, lineStart, to);
      if (blank >= 0) {
        cut(i, blank);
        i = blank;
        continue;
      }
      const separator = separatorLineEnd(text, lineStart, to);
      if (separator >= 0) {
        cut(i, separator);
        i = separator;
        continue;
      }
      let indent = lineStart;
      while (indent < to && (text[indent] === ' ' || text[indent] === '\t')) indent++;
      if (LIST_MARKER.test(text.slice(indent, Math.min(to, indent + MARKER_WINDOW)))) {
        cut(i, indent);
        i = indent;
        continue;
      }
      i++;
      continue;
    }
    if (TERMINATORS.includes(c)) {
      let j = i;
      while (j < to && TERMINATORS.includes(text[j])) j++;
      while (j < to && CLOSERS.includes(text[j])) j++;
      if (j < to && WHITESPACE.test(text[j]) && endsSentence(text, pieceStart, i, j, to, nextAlnum)) {
        cut(j, j);
      } else if (j < to && isRunTogether(text, i, j)) {
        cut(j, j);
      }
      i = j;
      continue;
    }
    i++;
  }
  cut(to, to);
  return tidy(text, pieces);
}

/**
 * A search forward through the text that remembers its last answer: asked again from a later
 * position that still lies before the answer, it gives the same answer without searching. Asked
 * from increasing positions, as the splitter does, the searches together cover the text once.
 * `search(at)` returns the first position ≥ `at` that qualifies, or -1 for none.
 */
function forwardFinder(search: (at: number) => number): (at: number) => number {
  let searchedFrom = Infinity;
  let found = -1;
  return (at) => {
    if (at < searchedFrom || (found >= 0 && at > found)) {
      searchedFrom = at;
      found = search(at);
    }
    return found;
  };
}

/** Past the newline of a blank line (only spaces, tabs, CRs) starting at `lineStart`, or -1. */
function blankLineEnd(text: string, lineStart: number, to: number): number {
  let k = lineStart;
  while (k < to && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
  return k < to && text[k] === '\n' ? k + 1 : -1;
}

/**
 * Past a separator line ("_____", "=====", "-----", "*****") starting at `lineStart`, its newline
 * left for the next line, or -1: `^[ \t]*([_=\-*])\1{3,}[ \t]*(?=\r?\n|$)` with `$` at `to`.
 */
function separatorLineEnd(text: string, lineStart: number, to: number): number {
  let k = lineStart;
  while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
  const mark = text[k];
  if (k >= to || (mark !== '_' && mark !== '=' && mark !== '-' && mark !== '*')) return -1;
  const markStart = k;
  while (k < to && text[k] === mark) k++;
  if (k - markStart < 4) return -1;
  while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
  const lineEnds = k === to || text[k] === '\n' || (text[k] === '\r' && k + 1 < to && text[k + 1] === '\n');
  return lineEnds ? k : -1;
}

/**
 * Whether the terminator run `text[runStart, runEnd)` (closers included), followed by whitespace,
 * ends the sentence that began at `pieceStart`. `nextAlnum(at)`: the first letter or digit at or
 * after `at` before the end of the stretch, or -1.
 */
function endsSentence(
  text: string,
  pieceStart: number,
  runStart: number,
  runEnd: number,
  to: number,
  nextAlnum: (at: number) => number,
): boolean {
  const run = text.slice(runStart, runEnd).replace(/["'”’)\]]+$/, '');
  let nextAt = runEnd;
  while (nextAt < to && WHITESPACE.test(text[nextAt])) nextAt++;
  if (nextAt >= to) return true;
  const nextChar = text[nextAt];
  const nextIsLower = (): boolean => {
    if (/[a-z]/.test(nextChar)) return true;
    if (!/[("'[]/.test(nextChar)) return false;
    const word = nextAlnum(nextAt);
    return word >= 0 && /[a-z]/.test(text[word]);
  };

  if (run === '.') {
    // The word before the period: the run of non-space characters that ends at it.
    let tokenStart = runStart;
    while (tokenStart > pieceStart && !WHITESPACE.test(text[tokenStart - 1])) tokenStart--;
    const token = text.slice(tokenStart, runStart).replace(/^[("'[]+/, '');
    const lower = token.toLowerCase();
    if (ALWAYS_ABBREVIATIONS.has(lower)) return false;
    if (NUMBER_FOLLOW_ABBREVIATIONS.has(lower) && /\d/.test(nextChar)) return false;
    if (LOWER_FOLLOW_ABBREVIATIONS.has(lower) && nextIsLower()) return false;
    // Dotted initialisms ("U.S.") end a sentence only before a capital.
    if (/^(?:[a-z]\.)+[a-z]$/i.test(token) && nextIsLower()) return false;
    // The number or letter of a list item: "1." / "a." alone at the start of the piece.
    if (/^(?:\d{1,2}|[a-h])$/.test(token) && onlyWhitespace(text, pieceStart, runStart - token.length)) return false;
    return true;
  }
  // After a space or a digit, "?" is a mangled symbol ("38.5 ?C", "100.2? F") or a "?pneumonia" prefix.
  if (run === '?' && runStart > 0 && /[\s\d]/.test(text[runStart - 1])) return false;
  if (run === '..') return true; // a doubled period, as the case notes often have
  // "?", "!", an ellipsis: a lower-case continuation means the sentence goes on.
  return !nextIsLower();
}

/** Whether `text[from, to)` holds only whitespace (or nothing); stops at the first other character. */
function onlyWhitespace(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!WHITESPACE.test(text[k])) return false;
  return true;
}

/** "normal.This": a period between a lower-case word and a capitalised one, with no space. */
function isRunTogether(text: string, runStart: number, runEnd: number): boolean {
  return (
    runEnd === runStart + 1 &&
    text[runStart] === '.' &&
    /[a-z]{2}$/.test(text.slice(Math.max(0, runStart - 2), runStart)) &&
    /^[A-Z][a-z]/.test(text.slice(runEnd, runEnd + 2))
  );
}

/** Trims pieces, drops list markers, and joins punctuation-only pieces to a neighbour. */
function tidy(text: string, pieces: Span[]): Span[] {
  const sentences: Span[] = [];
  let pendingStart: number | null = null; // a punctuation-only piece waiting for a following sentence
  for (const piece of pieces) {
    const trimmed = trim(text, piece);
    let start = trimmed.start;
    const end = trimmed.end;
    const marker = LIST_MARKER.exec(text.slice(start, end));
    if (marker) start += marker[0].length;
    if (start >= end) continue;
    if (!/[\p{L}\p{N}_]/u.test(text.slice(start, end))) {
      const previous = sentences[sentences.length - 1];
      if (previous) previous.end = end;
      else pendingStart ??= start;
      continue;
    }
    sentences.push({ start: pendingStart ?? start, end });
    pendingStart = null;
  }
  if (pendingStart !== null) {
    // Only punctuation in the whole stretch: keep it rather than lose characters.
    const last = pieces[pieces.length - 1];
    sentences.push(trim(text, { start: pendingStart, end: last.end }));
  }
  return sentences;
}

function trim(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && WHITESPACE.test(text[start])) start++;
  while (end > start && WHITESPACE.test(text[end - 1])) end--;
  return { start, end };
}
