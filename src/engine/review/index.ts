export * from './types';
export { parseReview, mergeEntries, serializeReview, entryLine, REVIEW_FORMAT, UNKNOWN_REVIEWER } from './review-format';
export { ReviewStore, REVIEW_FILE, type ReviewLoad } from './review-store';
export { ReviewIndex, mismatchReason, type PairReview, type PairOutcome } from './review-index';
export { anchorFlag, anchorFlags, type AnchoredFlags, type SentenceSpan } from './anchor';
export { defaultReviewerName, resolveReviewerName } from './reviewer';
export { exportRows, exportCsv, exportJson, type ExportRow } from './review-export';
