// DICOM files to DecodedImage: parse with dicom-parser, decode the first frame, render it to 8 bits.
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import sharp from 'sharp';
import type { DecodedImage } from '../../types';
import { hasDicmMarker } from '../detect';
import { ImageError, describeThrown } from '../errors';
import { type PixelAttributes, readPixelAttributes } from './attributes';
import { readFirstEncapsulatedFrame } from './encapsulated';
import { decodeJpegLosslessFrame } from './jpeg-lossless';
import { nativeFrameLength, readNativeSamples } from './native-pixels';
import { renderColour, renderMonochrome } from './render';
import { decodeRleFrame } from './rle';
import { type TransferSyntax, describeTransferSyntax, lookupTransferSyntax } from './transfer-syntax';

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export async function decodeDicom(path: string, bytes: Buffer): Promise<DecodedImage> {
  const frame = await readDicomFirstFrame(path, bytes);
  const base = { width: frame.attrs.columns, height: frame.attrs.rows, format: 'dicom', sourceBits: frame.attrs.bitsStored };
  if (frame.attrs.samplesPerPixel === 3) return { ...base, data: renderColour(frame.samples, frame.attrs), channels: 3 };
  const rendered = renderMonochrome(frame.samples, frame.attrs);
  return { ...base, data: rendered.data, channels: 1, window: rendered.window };
}

/** Parses a DICOM file and decodes the stored values of its first frame (no rendering); failures are ImageErrors. */
export async function readDicomFirstFrame(path: string, bytes: Buffer): Promise<Frame> {
  // Annotated so TypeScript narrows after a call, as after `throw`.
  const fail: (problem: string) => never = (problem) => {
    throw new ImageError(path, problem);
  };
  const ds = parse(bytes, fail);
  if (!hasDicmMarker(bytes) && !(ds.elements.x7fe00010 && ds.elements.x00280010)) {
    // Parsing a bare dataset was a guess; nothing image-like came out, so the file is simply not DICOM.
    fail("not a DICOM file (no 'DICM' marker at byte 128, and no image dataset)");
  }
  const ts = lookupTransferSyntax(transferSyntaxUid(ds));
  if (!ts.encoding) fail(`unsupported DICOM transfer syntax ${describeTransferSyntax(ts)}`);

  const pixelData = ds.elements.x7fe00010;
  if (!pixelData) {
    const floatData = ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
    fail(floatData ? 'unsupported float pixel data (7FE0,0008/0009)' : 'DICOM file has no pixel data (7FE0,0010); not an image');
  }
  let attrs: PixelAttributes;
  try {
    attrs = readPixelAttributes(ds);
  } catch (thrown) {
    return fail(describeThrown(thrown));
  }

  try {
    return await decodeFirstFrame(ds, pixelData, attrs, ts);
  } catch (thrown) {
    return fail(`cannot decode DICOM pixel data (${ts.name}): ${describeThrown(thrown)}`);
  }
}

/** Stored values of the first frame, and the attributes that describe them after decompression. */
export interface Frame {
  samples: Int32Array;
  attrs: PixelAttributes;
}

async function decodeFirstFrame(
  ds: DataSet,
  pixelData: dicomParser.Element,
  attrs: PixelAttributes,
  ts: TransferSyntax,
): Promise<Frame> {
  switch (ts.encoding) {
    case 'native':
    case 'native-big-endian': {
      const length = nativeFrameLength(attrs);
      const available = Math.min(pixelData.length, ds.byteArray.length - pixelData.dataOffset);
      if (available < length) {
        throw new Error(`truncated: the first frame needs ${length} bytes of pixel data but only ${Math.max(0, available)} are present`);
      }
      const bytes = ds.byteArray.subarray(pixelData.dataOffset, pixelData.dataOffset + length);
      return { samples: readNativeSamples(bytes, attrs, ts.encoding === 'native-big-endian'), attrs };
    }
    case 'encapsulated-native':
    case 'rle': {
      const encoded = readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames);
      const native = ts.encoding === 'rle' ? decodeRleFrame(encoded, attrs) : encoded;
      if (native.length < nativeFrameLength(attrs)) throw new Error(`frame holds ${native.length} bytes, fewer than its size needs`);
      // RLE segments are always planes of one sample, which decodeRleFrame has interleaved.
      const layout = ts.encoding === 'rle' ? { ...attrs, planarConfiguration: 0 as const } : attrs;
      return { samples: readNativeSamples(native, layout, false), attrs: layout };
    }
    case 'jpeg-lossless': {
      const samples = decodeJpegLosslessFrame(readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames), attrs);
      // Colour JPEG Lossless comes out interleaved whatever PlanarConfiguration says.
      return { samples, attrs: { ...attrs, planarConfiguration: 0 } };
    }
    case 'jpeg':
      return decodeJpegFrame(readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames), attrs);
    default:
      throw new Error(`no decoder for ${ts.name}`);
  }
}

/** Baseline JPEG through sharp (libjpeg): 8 bits per sample; YBR colour comes out as RGB. */
async function decodeJpegFrame(encoded: Uint8Array, attrs: PixelAttributes): Promise<Frame> {
  const channels = attrs.samplesPerPixel;
  const { data, info } = await sharp(encoded)
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== attrs.columns || info.height !== attrs.rows || info.channels !== channels) {
    throw new Error(
      `JPEG frame is ${info.width}x${info.height}x${info.channels} but the header says ${attrs.columns}x${attrs.rows}x${channels}`,
    );
  }
  const decodedAttrs: PixelAttributes = {
    ...attrs,
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    planarConfiguration: 0,
    photometric: channels === 3 ? 'RGB' : attrs.photometric,
  };
  const samples = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) samples[i] = data[i]!;
  // Signed 8-bit JPEG data exists in theory; reinterpret the decoded bytes the same way as native ones.
  if (attrs.signed) for (let i = 0; i < samples.length; i++) if (samples[i]! >= 128) samples[i]! -= 256;
  return { samples, attrs: decodedAttrs };
}

function parse(bytes: Buffer, fail: (problem: string) => never): DataSet {
  const part10 = hasDicmMarker(bytes);
  try {
    return dicomParser.parseDicom(bytes, {
      // Files without the Part 10 header (a bare dataset saved as .dcm): guess the VR style from the first element.
      ...(part10 ? {} : { TransferSyntaxUID: looksExplicit(bytes) ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN }),
      inflater: inflateDeflatedDataset,
    });
  } catch (thrown) {
    const reason = describeThrown(thrown);
    return fail(part10 ? `cannot parse DICOM (truncated or corrupt): ${reason}` : `not a DICOM file (no 'DICM' marker at byte 128) and not a readable bare dataset: ${reason}`);
  }
}

/** Deflated Explicit VR Little Endian: everything after the meta header is a raw deflate stream. */
function inflateDeflatedDataset(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const whole = Buffer.alloc(position + inflated.length);
  whole.set(bytes.subarray(0, position), 0);
  whole.set(inflated, position);
  return whole;
}

/** A bare explicit-VR dataset has two upper-case letters (the VR) right after the first tag. */
function looksExplicit(bytes: Uint8Array): boolean {
  const isUpper = (b: number | undefined): boolean => b !== undefined && b >= 0x41 && b <= 0x5a;
  return isUpper(bytes[4]) && isUpper(bytes[5]);
}

function transferSyntaxUid(ds: DataSet): string {
  // dicom-parser stores the guessed syntax of a bare dataset as `Value`; Part 10 files have it as a UI string.
  const element = ds.elements.x00020010 as (dicomParser.Element & { Value?: string }) | undefined;
  const uid = element?.Value ?? ds.string('x00020010') ?? IMPLICIT_VR_LITTLE_ENDIAN;
  return uid.replace(/\0/g, '').trim();
}
