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
const ALWAYS_ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'vs', 'approx', 'e.g', 'i.e', 'eg', 'ie', 'fig', 'figs', 'st', 'cf', 'incl']);
/** Abbreviations that end a sentence unless a lower-case word follows. */
const LOWER_FOLLOW_ABBREVIATIONS = new Set(['etc', 'cm', 'mm', 'resp', 'pt', 'esp']);
/** Abbreviations that do not end a sentence before a number ("No. 3", "Jan. 22"). */
const NUMBER_FOLLOW_ABBREVIATIONS = new Set(['no', 'nos', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec']);

const TERMINATORS = '.?!…';
const CLOSERS = `"'”’)]`;
/** A list marker at the start of a piece: "1." / "12)" / "a." / "-" / "*" / "•", then whitespace (or a letter after "1."). */
const LIST_MARKER = /^(?:\d{1,2}[.)](?=\s|$|[A-Za-z])|[a-h][.)](?=\s|$)|[-*•·](?=\s|$))\s*/;
const SEPARATOR_LINE = /^[ \t]*([_=\-*])\1{3,}[ \t]*(?=\r?\n|$)/;

/** Sentence spans within `text[from, to)`, in order, trimmed, never empty. */
export function splitSentences(text: string, from: number, to: number): Span[] {
  const pieces: Span[] = [];
  let pieceStart = from;
  const cut = (at: number, next: number) => {
    pieces.push({ start: pieceStart, end: at });
    pieceStart = next;
  };

  let i = from;
  while (i < to) {
    if (text.startsWith('[**', i)) {
      const close = text.indexOf('**]', i + 3);
      if (close >= 0 && close + 3 <= to) {
        i = close + 3;
        continue;
      }
    }
    const c = text[i];
    if (c === '\n') {
      const lineStart = i + 1;
      const blank = /^[ \t\r]*\n/.exec(text.slice(lineStart, to));
      if (blank) {
        cut(i, lineStart + blank[0].length);
        i = lineStart + blank[0].length;
        continue;
      }
      const separator = SEPARATOR_LINE.exec(text.slice(lineStart, to));
      if (separator) {
        cut(i, lineStart + separator[0].length);
        i = lineStart + separator[0].length;
        continue;
      }
      const indent = /^[ \t]*/.exec(text.slice(lineStart, to))![0].length;
      if (LIST_MARKER.test(text.slice(lineStart + indent, to))) {
        cut(i, lineStart + indent);
        i = lineStart + indent;
        continue;
      }
      i++;
      continue;
    }
    if (TERMINATORS.includes(c)) {
      let j = i;
      while (j < to && TERMINATORS.includes(text[j])) j++;
      while (j < to && CLOSERS.includes(text[j])) j++;
      if (j < to && /\s/.test(text[j]) && endsSentence(text, pieceStart, i, j, to)) {
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
 * Whether the terminator run `text[runStart, runEnd)` (closers included), followed by whitespace,
 * ends the sentence that began at `pieceStart`.
 */
function endsSentence(text: string, pieceStart: number, runStart: number, runEnd: number, to: number): boolean {
  const run = text.slice(runStart, runEnd).replace(/["'”’)\]]+$/, '');
  const next = /\S/.exec(text.slice(runEnd, to));
  if (!next) return true;
  const nextChar = next[0];
  const nextWord = /[A-Za-z0-9]/.exec(text.slice(runEnd + next.index, to));
  const nextIsLower = /[a-z]/.test(nextChar) || (/[("'[]/.test(nextChar) && !!nextWord && /[a-z]/.test(nextWord[0]));

  if (run === '.') {
    const token = /(\S*)$/.exec(text.slice(pieceStart, runStart))![1].replace(/^[("'[]+/, '');
    const lower = token.toLowerCase();
    if (ALWAYS_ABBREVIATIONS.has(lower)) return false;
    if (NUMBER_FOLLOW_ABBREVIATIONS.has(lower) && /\d/.test(nextChar)) return false;
    if (LOWER_FOLLOW_ABBREVIATIONS.has(lower) && nextIsLower) return false;
    // Dotted initialisms ("U.S.") end a sentence only before a capital.
    if (/^(?:[a-z]\.)+[a-z]$/i.test(token) && nextIsLower) return false;
    // The number or letter of a list item: "1." / "a." alone at the start of the piece.
    if (/^(?:\d{1,2}|[a-h])$/.test(token) && text.slice(pieceStart, runStart - token.length).trim() === '') return false;
    return true;
  }
  // After a space or a digit, "?" is a mangled symbol ("38.5 ?C", "100.2? F") or a "?pneumonia" prefix.
  if (run === '?' && runStart > 0 && /[\s\d]/.test(text[runStart - 1])) return false;
  if (run === '..') return true; // a doubled period, as the case notes often have
  // "?", "!", an ellipsis: a lower-case continuation means the sentence goes on.
  return !nextIsLower;
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
    let { start, end } = trim(text, piece);
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
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}
