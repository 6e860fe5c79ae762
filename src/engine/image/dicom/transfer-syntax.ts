// DICOM transfer syntaxes (PS3.6 Annex A): which ones we decode, and names for clear skip reasons.

/** How the pixel data of a transfer syntax is laid out. */
export type PixelEncoding =
  | 'native' // uncompressed, little endian
  | 'native-big-endian'
  | 'encapsulated-native' // uncompressed bytes inside fragments (Encapsulated Uncompressed)
  | 'rle'
  | 'jpeg' // baseline / 8-bit extended, decoded by sharp
  | 'jpeg-lossless';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Undefined when we cannot decode it. */
  encoding?: PixelEncoding;
}

const KNOWN: Record<string, Omit<TransferSyntax, 'uid'>> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1.98': {
    name: 'Encapsulated Uncompressed Explicit VR Little Endian',
    encoding: 'encapsulated-native',
  },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', encoding: 'native-big-endian' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline', encoding: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended', encoding: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless', encoding: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, First-Order Prediction', encoding: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000' },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component Lossless' },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component' },
  '1.2.840.10008.1.2.4.94': { name: 'JPIP Referenced' },
  '1.2.840.10008.1.2.4.95': { name: 'JPIP Referenced Deflate' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile' },
  '1.2.840.10008.1.2.4.101': { name: 'MPEG2 High Profile' },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264' },
  '1.2.840.10008.1.2.4.103': { name: 'MPEG-4 AVC/H.264 BD-compatible' },
  '1.2.840.10008.1.2.4.104': { name: 'MPEG-4 AVC/H.264 for 2D Video' },
  '1.2.840.10008.1.2.4.105': { name: 'MPEG-4 AVC/H.264 for 3D Video' },
  '1.2.840.10008.1.2.4.106': { name: 'MPEG-4 AVC/H.264 Stereo' },
  '1.2.840.10008.1.2.4.107': { name: 'HEVC/H.265 Main Profile' },
  '1.2.840.10008.1.2.4.108': { name: 'HEVC/H.265 Main 10 Profile' },
  '1.2.840.10008.1.2.4.110': { name: 'JPEG XL Lossless' },
  '1.2.840.10008.1.2.4.111': { name: 'JPEG XL JPEG Recompression' },
  '1.2.840.10008.1.2.4.112': { name: 'JPEG XL' },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 Lossless' },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 RPCL Lossless' },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000' },
};

export function lookupTransferSyntax(uid: string): TransferSyntax {
  const known = KNOWN[uid];
  return known ? { uid, ...known } : { uid, name: 'unknown transfer syntax' };
}

/** "1.2.840.10008.1.2.4.90 (JPEG 2000 Lossless)" */
export function describeTransferSyntax(ts: TransferSyntax): string {
  return `${ts.uid} (${ts.name})`;
}
