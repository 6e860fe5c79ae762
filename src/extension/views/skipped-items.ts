// How "Show skipped files" names a skipped entry and which file it reveals. Free of `vscode`.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The file to reveal: a manifest row is named "table.csv#row 3", whose file is the table. */
export function skippedFile(skippedPath: string, exists: (p: string) => boolean = existsSync): string {
  return exists(skippedPath) ? skippedPath : skippedPath.replace(/#[^\\/]*$/, '');
}

/** Relative to the dataset folder when inside it, else as given. */
export function displayPath(folder: string, p: string): string {
  const rel = path.relative(folder, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
