export * from './types';
export { parseReview, mergeEntries, serializeReview, entryLine } from './review-format';
export { ReviewStore, REVIEW_FILE, type ReviewChange, type ReviewLoad } from './review-store';
export { defaultReviewerName } from './reviewer';
export { exportRows, exportCsv, exportJson, type ExportRow } from './review-export';
