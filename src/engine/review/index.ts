export * from './types';
export { parseReview, mergeEntries, serializeReview, entryLine, REVIEW_FORMAT, UNKNOWN_REVIEWER } from './review-format';
export { ReviewStore, REVIEW_FILE, type ReviewLoad } from './review-store';
export { ReviewIndex, mismatchReason, type PairReview, type PairOutcome } from './review-index';
export { anchorFlag, anchorFlags, type AnchoredFlags, type SentenceSpan } from './anchor';
export { defaultReviewerName, resolveReviewerName } from './reviewer';
export { exportRows, exportCsv, exportJson, type ExportRow } from './review-export';
export { exportClean, CleanExportNoResults, CleanExportRefused, type ExportCleanOptions, type ExportCleanSummary, type DroppedPair, type RePairedPair } from './export-clean';
export { decidePair, DROP_REASONS, type CleanOptions, type CleanDecision, type DropReason } from './clean-rules';
