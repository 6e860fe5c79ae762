// CSV/TSV manifests, read record by record with csv-parse's stream API: the header first, then
// one row per record, so a million-row file never sits in memory whole.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { errorCode } from './paths';
import { ManifestError, type RowEvent, type RowSource, normaliseKey } from './manifest-rows';

export function csvRows(file: string, delimiter: ',' | '\t'): RowSource {
  let bytes = 0;
  async function* events(): AsyncGenerator<RowEvent, void, undefined> {
    const input = createReadStream(file);
    const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: true, bom: true });
    input.on('error', (err) => parser.destroy(err));
    input.pipe(parser);
    let header: string[] | undefined;
    let n = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        bytes = parser.info.bytes; // parsed so far: ahead of this record by at most one read chunk
        if (!header) {
          header = record.map(normaliseKey);
          yield { type: 'columns', columns: new Set(header.filter((k) => k !== '')) };
          continue;
        }
        const fields = new Map<string, unknown>();
        header.forEach((key, col) => {
          // First column of a name wins; unnamed columns (a trailing comma) carry nothing.
          if (key !== '' && !fields.has(key) && col < record.length) fields.set(key, record[col]);
        });
        yield { type: 'row', row: { label: `row ${++n}`, fields } };
      }
    } catch (err) {
      const code = errorCode(err);
      if (code.startsWith('CSV_'))
        throw new ManifestError('malformed', `malformed CSV: ${err instanceof Error ? err.message : code}`);
      throw new ManifestError('unreadable', `cannot read manifest (${code})`);
    } finally {
      input.destroy();
      parser.destroy();
    }
    if (!header) throw new ManifestError('not-a-manifest', 'empty CSV (no header row)');
  }
  return { events: events(), bytesRead: () => bytes, splitShaped: () => false };
}
