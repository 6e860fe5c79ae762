// Tells the format of an image file from its first bytes, so a misnamed file (a JPEG saved as .png) still decodes.
import { extname } from 'node:path';

export type SourceFormat = 'png' | 'jpeg' | 'tiff' | 'webp' | 'dicom';

/** Byte offset of the DICOM Part 10 'DICM' marker, after the 128-byte preamble. */
export const DICM_OFFSET = 128;

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

export function hasDicmMarker(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], DICM_OFFSET);
}

/**
 * The format the content says, or null when it is none we read. Content wins over the extension;
 * a `.dcm` file without the marker is still tried as DICOM (datasets saved without the Part 10 header).
 */
export function sniffFormat(bytes: Uint8Array, path: string): SourceFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff'; // BigTIFF
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (hasDicmMarker(bytes) || extname(path).toLowerCase() === '.dcm') return 'dicom';
  return null;
}

/** "starts with bytes 25 50 44 46" — lets a user recognise what the file really is. */
export function describeLeadingBytes(bytes: Uint8Array, count = 8): string {
  const hex = Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `starts with bytes ${hex}`;
}
