// Reads and checks the Image Pixel, Modality LUT and VOI LUT attributes we need from a parsed dataset.
import type { DataSet } from 'dicom-parser';
import type { VoiFunction } from '../window';

export interface PixelAttributes {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  /** 0: interleaved RGBRGB; 1: planes RRR..GGG..BBB. */
  planarConfiguration: 0 | 1;
  photometric: string;
  numberOfFrames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** First window of (0028,1050/1051) when present and usable. */
  window?: { center: number; width: number; fn: VoiFunction };
}

/** Throws a plain message (the caller adds the file name) when the dataset cannot describe an image we read. */
export function readPixelAttributes(ds: DataSet): PixelAttributes {
  const rows = ds.uint16('x00280010');
  const columns = ds.uint16('x00280011');
  if (!rows || !columns) throw new Error('not an image DICOM: Rows/Columns (0028,0010/0011) missing or zero');

  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new Error(`unsupported SamplesPerPixel ${samplesPerPixel}`);

  const bitsAllocated = ds.uint16('x00280100');
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new Error(`unsupported BitsAllocated ${bitsAllocated ?? '(missing)'} (only 8 and 16 are read)`);
  }
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const highBit = ds.uint16('x00280102') ?? bitsStored - 1;
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new Error(`inconsistent BitsStored ${bitsStored} / HighBit ${highBit} for BitsAllocated ${bitsAllocated}`);
  }

  const photometric = (ds.string('x00280004') ?? (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB')).toUpperCase();
  if (photometric === 'PALETTE COLOR') throw new Error('unsupported PhotometricInterpretation PALETTE COLOR');

  const slope = ds.floatString('x00281053');
  const intercept = ds.floatString('x00281052');
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: ds.uint16('x00280103') === 1,
    planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0,
    photometric,
    numberOfFrames: Math.max(1, ds.intString('x00280008') ?? 1),
    // A zero or unparsable slope would flatten the image: treat it as absent.
    rescaleSlope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    rescaleIntercept: intercept !== undefined && Number.isFinite(intercept) ? intercept : 0,
    window: readWindow(ds),
  };
}

/** First WindowCenter/WindowWidth pair (multi-valued: the first is the default view); none when unusable. */
function readWindow(ds: DataSet): PixelAttributes['window'] {
  const center = ds.floatString('x00281050', 0);
  const width = ds.floatString('x00281051', 0);
  if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width))
    return undefined;
  const fnText = (ds.string('x00281056') ?? 'LINEAR').toUpperCase();
  const fn: VoiFunction = fnText === 'SIGMOID' || fnText === 'LINEAR_EXACT' ? fnText : 'LINEAR';
  // PS3.3 C.11.2.1.2: width >= 1 for LINEAR, > 0 otherwise.
  if (fn === 'LINEAR' ? width < 1 : width <= 0) return undefined;
  return { center, width, fn };
}
