// Finds the bytes of the first frame in encapsulated (compressed) pixel data.
import * as dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';

export function readFirstEncapsulatedFrame(ds: DataSet, pixelData: Element, numberOfFrames: number): Uint8Array {
  const fragments = pixelData.fragments ?? [];
  if (!pixelData.encapsulatedPixelData || fragments.length === 0) {
    throw new Error('compressed transfer syntax but the pixel data holds no fragments');
  }
  for (const [i, f] of fragments.entries()) {
    if (f.position + f.length > ds.byteArray.length) {
      throw new Error(`truncated: pixel data fragment ${i + 1} needs ${f.length} bytes but the file ends first`);
    }
  }
  const offsets = pixelData.basicOffsetTable ?? [];
  if (offsets.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, pixelData, 0);
  // Without an offset table: a single frame spans all fragments; one fragment per frame is the usual multi-frame
  // layout (and the required one for RLE); otherwise a multi-frame JPEG is split at its end-of-image markers.
  if (numberOfFrames <= 1)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixelData, 0, fragments.length);
  if (fragments.length === numberOfFrames)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixelData, 0, 1);
  const table = dicomParser.createJPEGBasicOffsetTable(ds, pixelData);
  return dicomParser.readEncapsulatedImageFrame(ds, pixelData, 0, table);
}
