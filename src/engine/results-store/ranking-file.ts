// `results.<g>.ranking.bin`: what the ranking of a store leaves for the next run, so that a few
// changed pairs are ranked again without comparing every image with every report (ranking/
// update-ranking.ts). Per pair, in the store's row (rank) order, fixed width, little-endian:
//   u32 betterReports, u32 betterImages, u32 best-match count, then `bestCount` slots of
//   (u32 row of the match in this store, f64 exact cosine), then the 32-byte sha256 that keys the
//   pair's report text (equal texts are not competitors).
import type { RankCounts } from '../ranking';

export function rankingStride(bestCount: number): number {
  return 12 + 12 * bestCount + 32;
}

/** One row; `textKey` is a sha256 in hex. */
export function encodeRankingRow(counts: RankCounts, textKey: string, bestCount: number): Buffer {
  const row = Buffer.alloc(rankingStride(bestCount));
  row.writeUInt32LE(counts.betterReports, 0);
  row.writeUInt32LE(counts.betterImages, 4);
  row.writeUInt32LE(counts.best.length, 8);
  counts.best.forEach((b, k) => {
    row.writeUInt32LE(b.index, 12 + 12 * k);
    row.writeDoubleLE(b.score, 16 + 12 * k);
  });
  row.write(textKey, 12 + 12 * bestCount, 'hex');
  return row;
}

/** Every row of a ranking file; throws naming `where` when a row cannot be right. */
export function decodeRanking(
  buf: Buffer,
  count: number,
  bestCount: number,
  where: string,
): { counts: RankCounts[]; keys: string[] } {
  const stride = rankingStride(bestCount);
  if (buf.length !== count * stride) throw new Error(`${where}: ${buf.length} bytes for ${count} pairs of ${stride}`);
  const counts: RankCounts[] = new Array(count);
  const keys: string[] = new Array(count);
  for (let r = 0; r < count; r++) {
    const at = r * stride;
    const betterReports = buf.readUInt32LE(at);
    const betterImages = buf.readUInt32LE(at + 4);
    const n = buf.readUInt32LE(at + 8);
    if (n > bestCount || betterReports >= count || betterImages >= count)
      throw new Error(`${where}: row ${r} holds counts no ranking of ${count} pairs gives`);
    const best = [];
    for (let k = 0; k < n; k++) {
      const index = buf.readUInt32LE(at + 12 + 12 * k);
      const score = buf.readDoubleLE(at + 16 + 12 * k);
      if (index >= count || index === r || !Number.isFinite(score))
        throw new Error(`${where}: row ${r} names best match ${index} (score ${score})`);
      best.push({ index, score });
    }
    counts[r] = { betterReports, betterImages, best };
    keys[r] = buf.toString('hex', at + 12 + 12 * bestCount, at + stride);
  }
  return { counts, keys };
}
