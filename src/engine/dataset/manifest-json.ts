// JSON manifests (and R2Gen's annotation.json) streamed with @streamparser/json: JSON.parse
// needs the whole text, and MIMIC-CXR's annotation.json is hundreds of megabytes. Rows are
// emitted one at a time and dropped from the parser's stack (keepStack: false), so memory is the
// rows kept. Shapes: an array of rows, or an object whose arrays hold rows: several arrays only
// when they are train/val/test splits (R2Gen), which then name each row's split.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { TokenParser, TokenType, Tokenizer } from '@streamparser/json';
import { errorCode } from './paths';
import { ManifestError, type RowEvent, type RowSource, isObject, locateJsonError, objectFields } from './manifest-rows';

const SPLIT_NAMES = new Set(['train', 'training', 'val', 'valid', 'validation', 'dev', 'test', 'testing']);

/** Up to this size a bad file is read whole once more, to name the line and column of the error. */
const LOCATE_ERRORS_UP_TO = 16 * 1024 * 1024;

export function jsonRows(file: string): RowSource {
  let bytes = 0;
  let split = false;

  async function* events(): AsyncGenerator<RowEvent, void, undefined> {
    const queue: RowEvent[] = [];
    let failure: ManifestError | undefined;
    let top: 'array' | 'object' | undefined;
    /** Depth before the current token; keys and arrays of the top-level object are tracked at depth 1. */
    let depth = 0;
    let expectKey = false;
    let key = '';
    const arrays: string[] = [];

    const tokenizer = new Tokenizer();
    let parser: TokenParser | undefined;
    const fail = (error: ManifestError) => {
      failure ??= error;
    };
    const syntax = (err: Error) => fail(new ManifestError('malformed', `bad JSON near byte ${bytes}: ${err.message}`));

    tokenizer.onError = syntax;
    tokenizer.onToken = (info) => {
      if (failure) return;
      bytes = info.offset;
      const { token } = info;
      if (!parser) {
        if (token !== TokenType.LEFT_BRACKET && token !== TokenType.LEFT_BRACE) {
          fail(
            new ManifestError(
              'not-a-manifest',
              'JSON manifest must be an array of rows or an object holding arrays of rows',
            ),
          );
          return;
        }
        top = token === TokenType.LEFT_BRACKET ? 'array' : 'object';
        parser = new TokenParser({ paths: [top === 'array' ? '$.*' : '$.*.*'], keepStack: false });
        parser.onValue = ({ value, key: index, parent, stack }) => {
          if (top === 'object' && !Array.isArray(parent)) return; // a member of a non-array value: not a row
          const group = top === 'object' ? String(stack[1]?.key ?? '') : '';
          const splitName = SPLIT_NAMES.has(group.toLowerCase()) ? group : undefined;
          const label = `${splitName ? `${splitName} ` : ''}row ${Number(index) + 1}`;
          if (isObject(value))
            queue.push({ type: 'row', row: { label, fields: objectFields(value), split: splitName } });
          else queue.push({ type: 'bad-row', label, reason: 'row is not a JSON object' });
        };
        parser.onError = syntax;
        expectKey = top === 'object';
      }
      if (top === 'object' && depth === 1) {
        if (expectKey && token === TokenType.STRING) {
          key = String(info.value);
          expectKey = false;
        } else if (token === TokenType.COMMA) expectKey = true;
        else if (token === TokenType.LEFT_BRACKET) enterArray(key);
      }
      if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) depth++;
      else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--;
      parser.write(info);
    };

    function enterArray(name: string): void {
      arrays.push(name);
      split = arrays.every((a) => SPLIT_NAMES.has(a.toLowerCase()));
      if (!split && arrays.length > 1) {
        fail(
          new ManifestError(
            'not-a-manifest',
            `JSON manifest holds several arrays (${arrays.join(', ')}) and they are not train/val/test splits`,
          ),
        );
      }
    }

    const input = createReadStream(file);
    let first = true;
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        // A UTF-8 byte order mark is not JSON; editors on Windows write one.
        const data = first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
        first = false;
        tokenizer.write(data);
        if (queue.length > 0) yield* queue.splice(0);
        if (failure) break;
      }
      if (!failure) {
        if (!tokenizer.isEnded) tokenizer.end();
        // The tokenizer knows tokens, not structure: ending the parser finds an unclosed array.
        if (!failure && parser && !parser.isEnded) parser.end();
        yield* queue.splice(0);
      }
    } catch (err) {
      if (err instanceof ManifestError) throw err;
      throw new ManifestError('unreadable', `cannot read manifest (${errorCode(err)})`);
    } finally {
      input.destroy();
    }
    if (!failure && top === undefined) failure = new ManifestError('not-a-manifest', 'empty JSON file');
    if (!failure && top === 'object' && arrays.length === 0)
      failure = new ManifestError('not-a-manifest', 'JSON manifest holds no array of rows');
    if (failure?.kind === 'malformed') throw await located(file, failure);
    if (failure) throw failure;
  }
  return { events: events(), bytesRead: () => bytes, splitShaped: () => split };
}

/** The syntax error with its line and column, found by jsonc-parser in a file small enough to read again. */
async function located(file: string, failure: ManifestError): Promise<ManifestError> {
  let text: string;
  try {
    const handle = await open(file);
    try {
      if ((await handle.stat()).size > LOCATE_ERRORS_UP_TO) return failure;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return failure;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const where = locateJsonError(text);
  if (where.problem === 'not valid JSON') return failure;
  return new ManifestError('malformed', `bad JSON at line ${where.line}, column ${where.column}: ${where.problem}`);
}
