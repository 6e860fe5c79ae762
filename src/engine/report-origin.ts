// The label the engine writes in place of a report file's path when a manifest row gives the
// report text inline: the manifest's path relative to the dataset folder, "#", and the row as the
// manifest reader names it ("row 12", or "train row 3" in an R2Gen split): "table.csv#row 3".
// A PairResult holds such a label in `reportRow` (and a report file's path in `reportFile`); this
// parses it. The label's "#" is the last one (a manifest's folder or name may hold one too).
// Results before format 3 held either in one field, `report`: read back, a value that reads as a
// label is taken for one (results-v1.ts), so a report file named exactly like a label ("case#row
// 1") in such older results reads as a row. Free of Node: the webview validates results too.

export interface ManifestRowLabel {
  /** The manifest's path, relative to the dataset folder (it may start with ".." when the manifest lies outside). */
  manifest: string;
  /** The R2Gen split ("train", "val", "test") when the row is in one. */
  split: string | undefined;
  /** 1-based. */
  row: number;
}

const LABEL = /^(.+)#(?:([A-Za-z]+) )?row ([1-9]\d*)$/;

/** The parts of a manifest row label; undefined when `report` is not one. */
export function manifestRowLabel(report: string): ManifestRowLabel | undefined {
  const m = LABEL.exec(report);
  if (!m) return undefined;
  const manifest = m[1]!;
  // Absolute on POSIX or Windows, or naming a drive, or holding a NUL: not what the engine writes.
  if (/^([\\/]|[a-zA-Z]:)/.test(manifest) || manifest.includes('\0')) return undefined;
  return { manifest, split: m[2], row: Number(m[3]) };
}

export function isManifestOrigin(report: string): boolean {
  return manifestRowLabel(report) !== undefined;
}

/** How a pair's report is named to a person: its file, else its manifest row label. */
export function reportName(pair: { reportFile: string | null; reportRow: string | null }): string {
  return pair.reportFile ?? pair.reportRow ?? '';
}
