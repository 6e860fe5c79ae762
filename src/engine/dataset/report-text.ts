// Reads a pair's report text exactly as written, so character offsets found in it point at the
// same characters in the user's file (no CRLF or Unicode normalisation).
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import type { ReportSource } from '../types';
import { errorCode } from './paths';

export async function reportText(source: ReportSource): Promise<string> {
  if (source.kind === 'inline') return source.text;
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch (err) {
    throw new Error(`cannot read report ${source.path} (${errorCode(err)})`);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error(`report ${source.path} is UTF-16 encoded; save it as UTF-8`);
  }
  // Decoding invalid bytes would silently turn them into U+FFFD (e.g. a Latin-1 file): refuse instead.
  if (!isUtf8(bytes)) throw new Error(`report ${source.path} is not valid UTF-8 text; save it as UTF-8`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
