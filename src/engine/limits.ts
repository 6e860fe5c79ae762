// What one input may cost at most. A dataset folder comes from someone else and may hold a
// 20,000 × 20,000 DICOM in a 6 MB file, a 200 MB "report" or a million-row manifest; each must
// end in bounded time and memory with a reason a person understands (a skip naming the file and
// the limit), never a hang or an out-of-memory crash. Defaults fit real radiology data with room
// to spare; the CLI and the extension's settings override them.
export interface Limits {
  /** Width × height of one image (one frame), checked from the file's header before any pixel is allocated. */
  maxImagePixels: number;
  /** Bytes of one report file (or one inline report); a larger one is skipped with the reason. */
  maxReportBytes: number;
  /** Data rows of one manifest (CSV/TSV/JSONL/JSON, annotation.json); rows past it are skipped with the reason. */
  maxManifestRows: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  // 64 megapixels: the largest radiographs (detector panels of 43 × 43 cm at 0.1 mm, ~18 MP;
  // mammography ~30 MP) with room to spare; 20,000² (400 MP) is refused.
  maxImagePixels: 64_000_000,
  // 1 MiB: a radiology report is a few kilobytes; a megabyte is ~6,000 sentences.
  maxReportBytes: 1024 * 1024,
  // 2,000,000 rows: MIMIC-CXR's 377,000 images five times over.
  maxManifestRows: 2_000_000,
};

/** The defaults with any given values applied; a value that is not a positive whole number is an error naming it. */
export function resolveLimits(given: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(given) as (keyof Limits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new Error(`unknown limit "${key}"`);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`limit ${key} must be a whole number ≥ 1, got ${value}`);
    limits[key] = value;
  }
  return limits;
}
