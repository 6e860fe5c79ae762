/**
 * An image file the engine cannot use. `problem` is the reason alone (for a skip list that shows the path
 * separately); `message` names the file too, like ModelError.
 */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ImageError';
  }
}

/**
 * One-line text of anything thrown: dicom-parser throws plain strings and `{ exception }` objects, not Errors;
 * libvips messages span several, often repeated, lines.
 */
export function describeThrown(thrown: unknown): string {
  if (thrown && typeof thrown === 'object' && !(thrown instanceof Error) && 'exception' in thrown)
    return describeThrown(thrown.exception);
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return [...new Set(lines)].join('; ');
}
