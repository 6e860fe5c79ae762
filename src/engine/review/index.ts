export * from './types';
export { parseReview, mergeEntries, serializeReview } from './review-format';
export { ReviewStore, REVIEW_FILE, type ReviewLoad } from './review-store';
export { exportRows, exportCsv, exportJson, type ExportRow } from './review-export';
