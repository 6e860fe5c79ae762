// Reads the JSON files of a model folder, turning every failure into a ModelError that names the file.
import { readFile } from 'node:fs/promises';
import { ModelError } from './types';

/** Parses `file` as JSON; a missing file or bad JSON becomes a ModelError naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ModelError(file, isMissing(err) ? 'file is missing' : `cannot be read: ${errorMessage(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError(file, `is not valid JSON: ${errorMessage(err)}`);
  }
}

export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
