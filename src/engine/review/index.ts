export * from './types';
export {
  parseReview,
  mergeEntries,
  serializeReview,
  entryLine,
  REVIEW_FORMAT,
  UNKNOWN_REVIEWER,
} from './review-format';
export { ReviewStore, REVIEW_FILE, type ReviewLoad } from './review-store';
export { ReviewIndex, mismatchReason, type PairReview, type PairOutcome } from './review-index';
export { anchorFlag, anchorFlags, type AnchoredFlags, type SentenceSpan } from './anchor';
export { defaultReviewerName, resolveReviewerName } from './reviewer';
export { exportRows, exportCsv, exportJson, type ExportRow } from './review-export';
export {
  exportClean,
  CleanExportNoResults,
  CleanExportRefused,
  type ExportCleanOptions,
  type ExportCleanSummary,
  type DroppedPair,
  type RePairedPair,
} from './export-clean';
export { decidePair, DROP_REASONS, type CleanOptions, type CleanDecision, type DropReason } from './clean-rules';
export { agreement, cohenKappa, krippendorffAlpha, type Agreement, type KappaFigure } from './agreement';
export { reviewSummary, type ReviewSummary, type ReviewerProgress } from './progress';
export {
  assignPairs,
  readAssignment,
  writeAssignment,
  reviewerNames,
  isDoubled,
  AssignmentInputError,
  ASSIGNMENT_FILE,
  ASSIGNMENT_FORMAT,
  type Assignment,
} from './assignment';
