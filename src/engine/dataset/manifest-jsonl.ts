// JSONL manifests, read line by line (node:readline): one JSON object per line, numbered by line
// as an editor shows them. A bad line is a bad row; the other lines are still read.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorCode } from './paths';
import { ManifestError, type RowEvent, type RowSource, isObject, locateJsonError, objectFields } from './manifest-rows';

export function jsonlRows(file: string): RowSource {
  let bytes = 0;
  async function* events(): AsyncGenerator<RowEvent, void, undefined> {
    const input = createReadStream(file, { encoding: 'utf8' });
    let failed: unknown;
    input.on('error', (err) => (failed = err));
    const lines = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    try {
      for await (let line of lines) {
        lineNo++;
        bytes += Buffer.byteLength(line) + 1;
        if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
        if (line.trim() === '') continue;
        const label = `row ${lineNo}`;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          const where = locateJsonError(line);
          yield {
            type: 'bad-row',
            label,
            reason: `bad JSON at line ${lineNo}, column ${where.column}: ${where.problem}`,
          };
          continue;
        }
        if (isObject(value)) yield { type: 'row', row: { label, fields: objectFields(value) } };
        else yield { type: 'bad-row', label, reason: 'row is not a JSON object' };
      }
    } catch (err) {
      failed ??= err;
    } finally {
      lines.close();
      input.destroy();
    }
    if (failed !== undefined) throw new ManifestError('unreadable', `cannot read manifest (${errorCode(failed)})`);
  }
  return { events: events(), bytesRead: () => bytes, splitShaped: () => false };
}
