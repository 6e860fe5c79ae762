// Which scored pair a report file belongs to (from the results' index: report files, no pair
// read), and where its sentences lie in the file as it is now. Free of `vscode`: unit-tested with
// CRLF files and reports edited since scoring.
import { posix, resolve } from 'node:path';
import type { PairResult, SentenceResult } from '../../engine/results';
import { relativePathProblem } from '../../engine/results-schema';

/** Where a pair's report came from: a file (`reportFile`) or a manifest row (`reportRow`), one of them non-null. */
export type ReportSource = Pick<PairResult, 'reportFile' | 'reportRow'>;

/** A path in a form two spellings of one file share (Windows paths are case-insensitive). */
export function pathKey(fsPath: string, platform: NodeJS.Platform = process.platform): string {
  const abs = resolve(fsPath);
  return platform === 'win32' ? abs.toLowerCase() : abs;
}

/**
 * Report file → pair id, for the pairs whose report is a file (`reportFile`): a pair whose report
 * text was given inline in a manifest names its row instead (`reportRow`), which is no file. Built
 * on the first look-up of a file inside the dataset folder (other files never cost a pass over the
 * index), keyed by the report path as the results store it: 227,000 entries take a fraction of a
 * second and no new strings.
 */
export class ReportIndex {
  private byPath: Map<string, string> | undefined;
  private pending: Iterable<{ id: string; reportFile: string | null }> | undefined;
  private readonly folderKey: string;

  /** `pairs`: the results' index entries (or whole pairs), read once, on first use: only `id` and `reportFile` are used. */
  constructor(
    folder: string,
    pairs: Iterable<{ id: string; reportFile: string | null }>,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.folderKey = pathKey(folder, platform);
    this.pending = pairs;
  }

  /** The id of the pair whose report is the file at `fsPath`. */
  pairIdFor(fsPath: string): string | undefined {
    const abs = pathKey(fsPath, this.platform);
    const root = this.folderKey;
    if (!abs.startsWith(root)) return undefined;
    // Inside the folder: right after it a separator (or the folder is a root such as `/`, ending in one).
    const skip = /[\\/]$/.test(root) ? 0 : /^[\\/]/.test(abs.slice(root.length)) ? 1 : -1;
    if (skip < 0 || abs.length <= root.length + skip) return undefined;
    return this.paths().get(reportKey(abs.slice(root.length + skip), this.platform));
  }

  private paths(): Map<string, string> {
    if (this.byPath) return this.byPath;
    const byPath = new Map<string, string>();
    for (const p of this.pending ?? []) {
      // A manifest row (reportFile null) is no file; and only a path inside the folder names a
      // report (the results schema already insists).
      if (!p.reportFile || relativePathProblem(p.reportFile) !== undefined) continue;
      byPath.set(reportKey(p.reportFile, this.platform), p.id);
    }
    this.pending = undefined;
    return (this.byPath = byPath);
  }
}

/** A relative path in one spelling: `/` separators, no `.` segments or doubled separators; lower case on Windows. */
function reportKey(rel: string, platform: NodeJS.Platform): string {
  const plain = /\\|\/\/|(?:^|\/)\.(?:\/|$)/.test(rel) ? posix.normalize(rel.replace(/\\/g, '/')) : rel;
  return platform === 'win32' ? plain.toLowerCase() : plain;
}

export interface SentenceRange {
  index: number;
  sentence: SentenceResult;
  /** Offsets into the document text as it is now. */
  start: number;
  end: number;
}

export type ReportLayout =
  | { status: 'match'; sentences: SentenceRange[] }
  /** The text differs from what was scored (beyond line endings): offsets would point at the wrong words. */
  | { status: 'changed' };

/**
 * Maps the scored sentence offsets onto `documentText`. Offsets index the report as read (CRLF
 * kept), which is what the editor holds too; an editor that normalised mixed line endings still
 * gets right ranges, through a mapping that accounts for each changed line break.
 */
export function layoutReport(pair: PairResult, documentText: string): ReportLayout {
  const map = offsetMap(pair.reportText, documentText);
  if (!map) return { status: 'changed' };
  return {
    status: 'match',
    sentences: pair.sentences.map((sentence, index) => ({
      index,
      sentence,
      start: map(sentence.start),
      end: map(sentence.end),
    })),
  };
}

/** The sentence under a document offset, if any. */
export function sentenceAt(layout: ReportLayout, offset: number): SentenceRange | undefined {
  if (layout.status !== 'match') return undefined;
  return (
    layout.sentences.find((s) => offset >= s.start && offset < s.end) ?? layout.sentences.find((s) => offset === s.end)
  );
}

/**
 * A function from offsets in `scored` to offsets in `now`, or null when the texts differ other
 * than in line-break style (\r\n, \n, \r).
 */
export function offsetMap(scored: string, now: string): ((offset: number) => number) | null {
  if (scored === now) return (o) => o;
  if (normaliseBreaks(scored) !== normaliseBreaks(now)) return null;
  // Walk both texts in step; at every break record how far the two have drifted apart.
  const starts: number[] = [0];
  const shifts: number[] = [0];
  let i = 0;
  let j = 0;
  while (i < scored.length) {
    const a = breakLength(scored, i);
    if (a) {
      i += a;
      j += breakLength(now, j);
      starts.push(i);
      shifts.push(j - i);
    } else {
      i++;
      j++;
    }
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return offset + shifts[lo];
  };
}

function normaliseBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function breakLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 13) return text.charCodeAt(at + 1) === 10 ? 2 : 1;
  return c === 10 ? 1 : 0;
}
