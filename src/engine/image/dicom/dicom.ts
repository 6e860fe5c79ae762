// DICOM files to DecodedImage: parse with dicom-parser, check the frame's size against the pixel
// limit, decode the first frame, render it to 8 bits.
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import sharp from 'sharp';
import type { DecodedImage } from '../../types';
import { hasDicmMarker } from '../detect';
import { ImageError, describeThrown } from '../errors';
import {
  type ImageLimits,
  FRAME_BYTES_PER_PIXEL,
  RAISE_PIXEL_LIMIT,
  checkFrameSize,
  isAllocationFailure,
  maxPixelsOf,
  megapixels,
} from '../pixel-limit';
import { type PixelAttributes, readPixelAttributes } from './attributes';
import { readFirstEncapsulatedFrame } from './encapsulated';
import { readJpegFrameHeader } from './jpeg-frame-header';
import { decodeJpegLosslessFrame } from './jpeg-lossless';
import { nativeFrameLength, readNativeSamples } from './native-pixels';
import { renderColour, renderMonochrome } from './render';
import { decodeRleFrame } from './rle';
import { type TransferSyntax, describeTransferSyntax, lookupTransferSyntax } from './transfer-syntax';

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export async function decodeDicom(path: string, bytes: Buffer, limits?: ImageLimits): Promise<DecodedImage> {
  const frame = await readDicomFirstFrame(path, bytes, limits);
  const base = {
    width: frame.attrs.columns,
    height: frame.attrs.rows,
    format: 'dicom',
    sourceBits: frame.attrs.bitsStored,
  };
  if (frame.attrs.samplesPerPixel === 3)
    return { ...base, data: renderColour(frame.samples, frame.attrs), channels: 3 };
  const rendered = renderMonochrome(frame.samples, frame.attrs);
  return { ...base, data: rendered.data, channels: 1, window: rendered.window };
}

/**
 * Parses a DICOM file and decodes the stored values of its first frame (no rendering); failures are ImageErrors.
 * A frame over the pixel limit of `limits` (default: DEFAULT_LIMITS) is refused from its header, before decoding.
 */
export async function readDicomFirstFrame(path: string, bytes: Buffer, limits?: ImageLimits): Promise<Frame> {
  const maxPixels = maxPixelsOf(limits);
  // Annotated so TypeScript narrows after a call, as after `throw`.
  const fail: (problem: string) => never = (problem) => {
    throw new ImageError(path, problem);
  };
  const ds = parse(bytes, fail, maxPixels);
  if (!hasDicmMarker(bytes) && !(ds.elements.x7fe00010 && ds.elements.x00280010)) {
    // Parsing a bare dataset was a guess; nothing image-like came out, so the file is simply not DICOM.
    fail("not a DICOM file (no 'DICM' marker at byte 128, and no image dataset)");
  }
  const ts = lookupTransferSyntax(transferSyntaxUid(ds));
  if (!ts.encoding) fail(`unsupported DICOM transfer syntax ${describeTransferSyntax(ts)}`);

  const pixelData = ds.elements.x7fe00010;
  if (!pixelData) {
    const floatData = ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
    fail(
      floatData
        ? 'unsupported float pixel data (7FE0,0008/0009)'
        : 'DICOM file has no pixel data (7FE0,0010); not an image',
    );
  }
  let attrs: PixelAttributes;
  try {
    attrs = readPixelAttributes(ds);
  } catch (thrown) {
    return fail(describeThrown(thrown));
  }
  // Only the first frame is decoded, so NumberOfFrames does not multiply what decoding allocates.
  const geometry = {
    width: attrs.columns,
    height: attrs.rows,
    samplesPerPixel: attrs.samplesPerPixel,
    bitsAllocated: attrs.bitsAllocated,
  };
  checkFrameSize(path, geometry, maxPixels);

  try {
    return await decodeFirstFrame(ds, pixelData, attrs, ts, { path, maxPixels });
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    if (isAllocationFailure(thrown)) {
      const size = `${attrs.columns} × ${attrs.rows} pixels (${megapixels(attrs.columns * attrs.rows)})`;
      return fail(`not enough memory to decode ${size}: ${describeThrown(thrown)} (lower --max-image-pixels)`);
    }
    return fail(`cannot decode DICOM pixel data (${ts.name}): ${describeThrown(thrown)}`);
  }
}

/** Stored values of the first frame, and the attributes that describe them after decompression. */
export interface Frame {
  samples: Int32Array;
  attrs: PixelAttributes;
}

/** The file, for refusals, and the pixel limit its compressed frames are checked against. */
interface DecodeContext {
  path: string;
  maxPixels: number;
}

async function decodeFirstFrame(
  ds: DataSet,
  pixelData: dicomParser.Element,
  attrs: PixelAttributes,
  ts: TransferSyntax,
  context: DecodeContext,
): Promise<Frame> {
  switch (ts.encoding) {
    case 'native':
    case 'native-big-endian': {
      const length = nativeFrameLength(attrs);
      const available = Math.min(pixelData.length, ds.byteArray.length - pixelData.dataOffset);
      if (available < length) {
        throw new Error(
          `truncated: the first frame needs ${length} bytes of pixel data but only ${Math.max(0, available)} are present ` +
            `(${describeGeometry(attrs)}; the file is cut short or its Rows/Columns are wrong)`,
        );
      }
      const bytes = ds.byteArray.subarray(pixelData.dataOffset, pixelData.dataOffset + length);
      return { samples: readNativeSamples(bytes, attrs, ts.encoding === 'native-big-endian'), attrs };
    }
    case 'encapsulated-native':
    case 'rle': {
      const encoded = readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames);
      const native = ts.encoding === 'rle' ? decodeRleFrame(encoded, attrs) : encoded;
      if (native.length < nativeFrameLength(attrs))
        throw new Error(`frame holds ${native.length} bytes, fewer than its size needs`);
      // RLE segments are always planes of one sample, which decodeRleFrame has interleaved.
      const layout = ts.encoding === 'rle' ? { ...attrs, planarConfiguration: 0 as const } : attrs;
      return { samples: readNativeSamples(native, layout, false), attrs: layout };
    }
    case 'jpeg-lossless': {
      const encoded = readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames);
      // The decoder allocates for the size the JPEG stream declares, which need not be the header's.
      const header = readJpegFrameHeader(encoded);
      checkFrameSize(
        context.path,
        { ...header, samplesPerPixel: header.components, bitsAllocated: header.precision > 8 ? 16 : 8 },
        context.maxPixels,
      );
      if (header.width !== attrs.columns || header.height !== attrs.rows) {
        throw new Error(
          `JPEG Lossless frame is ${header.width}x${header.height} but the header says ${attrs.columns}x${attrs.rows}`,
        );
      }
      const samples = decodeJpegLosslessFrame(encoded, attrs);
      // Colour JPEG Lossless comes out interleaved whatever PlanarConfiguration says.
      return { samples, attrs: { ...attrs, planarConfiguration: 0 } };
    }
    case 'jpeg':
      return decodeJpegFrame(readFirstEncapsulatedFrame(ds, pixelData, attrs.numberOfFrames), attrs, context.maxPixels);
    default:
      throw new Error(`no decoder for ${ts.name}`);
  }
}

/** "the header says 20000 × 20000 pixels (Columns × Rows), 1 sample of 16 bits" */
function describeGeometry(attrs: PixelAttributes): string {
  const samples = attrs.samplesPerPixel === 1 ? '1 sample' : `${attrs.samplesPerPixel} samples`;
  return `the header says ${attrs.columns} × ${attrs.rows} pixels (Columns × Rows), ${samples} of ${attrs.bitsAllocated} bits`;
}

/** Baseline JPEG through sharp (libjpeg): 8 bits per sample; YBR colour comes out as RGB. */
async function decodeJpegFrame(encoded: Uint8Array, attrs: PixelAttributes, maxPixels: number): Promise<Frame> {
  const channels = attrs.samplesPerPixel;
  // Refused from the JPEG's own header before libjpeg allocates: the header's Rows/Columns passed the limit already.
  const header = readJpegFrameHeader(encoded);
  if (header.width !== attrs.columns || header.height !== attrs.rows) {
    throw new Error(
      `JPEG frame is ${header.width}x${header.height} but the header says ${attrs.columns}x${attrs.rows}`,
    );
  }
  const { data, info } = await sharp(encoded, { limitInputPixels: maxPixels })
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

function parse(bytes: Buffer, fail: (problem: string) => never, maxPixels: number): DataSet {
  const part10 = hasDicmMarker(bytes);
  try {
    return dicomParser.parseDicom(bytes, {
      // Files without the Part 10 header (a bare dataset saved as .dcm): guess the VR style from the first element.
      ...(part10
        ? {}
        : { TransferSyntaxUID: looksExplicit(bytes) ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN }),
      inflater: (deflated: Uint8Array, position: number) => inflateDeflatedDataset(deflated, position, maxPixels, fail),
    });
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    const reason = describeThrown(thrown);
    return fail(
      part10
        ? `cannot parse DICOM (truncated or corrupt): ${reason}`
        : `not a DICOM file (no 'DICM' marker at byte 128) and not a readable bare dataset: ${reason}`,
    );
  }
}

/** Room for the attributes around the pixel data of a deflated dataset. */
const DEFLATED_ATTRIBUTE_BYTES = 64 * 1024 * 1024;

/**
 * Deflated Explicit VR Little Endian: everything after the meta header is a raw deflate stream. Its header is
 * inside the stream, so the size check comes first as a bound on the inflated bytes: one frame at the limit
 * plus room for attributes (a small file can inflate to gigabytes).
 */
function inflateDeflatedDataset(
  bytes: Uint8Array,
  position: number,
  maxPixels: number,
  fail: (problem: string) => never,
): Uint8Array {
  const maxOutputLength = maxPixels * FRAME_BYTES_PER_PIXEL + DEFLATED_ATTRIBUTE_BYTES;
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength });
  } catch (thrown) {
    if ((thrown as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw thrown;
    const mb = Math.round(maxOutputLength / 1e6);
    return fail(
      `deflated dataset inflates to more than ${mb} MB, more than one image within the ${megapixels(maxPixels)} limit needs (${RAISE_PIXEL_LIMIT})`,
    );
  }
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
