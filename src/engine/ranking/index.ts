// Ranking: every pair against every other, as blocked matrix work (rank-pairs.ts).
export { rankPairs, type PairRanking, type RankInput, type RankOptions } from './rank-pairs';
