// Ranking: every pair against every other, as blocked matrix work (rank-pairs.ts).
export { rankPairs, type PairRanking, type RankInput, type RankOptions } from './rank-pairs';
export { updateRanking, type PreviousRanking, type RankCounts, type RankedSet } from './update-ranking';
