// Reads the size a JPEG frame declares (its SOFn segment) without decoding it, so a DICOM whose
// compressed frame claims more pixels than its Rows/Columns, or than the limit, is refused before
// a decoder allocates for it.

export interface JpegFrameHeader {
  width: number;
  height: number;
  components: number;
  /** Bits per sample (8 for baseline, 2..16 for lossless). */
  precision: number;
}

/** SOF0..SOF15 less DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers that stand alone, with no length: TEM, RST0..7, SOI. */
function standsAlone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/** The frame header of a JPEG stream; throws a plain message (the caller names the file) when there is none to read. */
export function readJpegFrameHeader(jpeg: Uint8Array): JpegFrameHeader {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
    throw new Error('the JPEG frame does not start with a JPEG start-of-image marker');
  let at = 2;
  while (at < jpeg.length) {
    if (jpeg[at] !== 0xff) throw new Error(`the JPEG frame has no marker at byte ${at} before its frame header`);
    while (at < jpeg.length && jpeg[at] === 0xff) at++; // fill bytes
    const marker = jpeg[at++];
    if (marker === undefined) break;
    if (standsAlone(marker)) continue;
    if (marker === 0xd9 || marker === 0xda) break; // EOI or start of scan before any frame header
    if (at + 2 > jpeg.length) break;
    const length = (jpeg[at]! << 8) | jpeg[at + 1]!;
    if (isStartOfFrame(marker)) {
      if (length < 8 || at + 8 > jpeg.length) break;
      const header = {
        precision: jpeg[at + 2]!,
        height: (jpeg[at + 3]! << 8) | jpeg[at + 4]!,
        width: (jpeg[at + 5]! << 8) | jpeg[at + 6]!,
        components: jpeg[at + 7]!,
      };
      if (header.height === 0)
        throw new Error('the JPEG frame leaves its height to a DNL marker, which is not supported');
      if (header.width === 0 || header.components === 0)
        throw new Error(
          `the JPEG frame header says ${header.width} × ${header.height} pixels with ${header.components} components`,
        );
      return header;
    }
    if (length < 2) throw new Error(`the JPEG frame has a marker segment of length ${length} at byte ${at}`);
    at += length;
  }
  throw new Error('the JPEG frame has no frame header (SOF) before its image data');
}
