// Who made a change, when nobody said: the OS user name, the same default in the extension and
// the CLI so one person's flags carry one name.
import { userInfo } from 'node:os';

export function defaultReviewerName(): string {
  try {
    return userInfo().username || 'reviewer';
  } catch {
    return 'reviewer'; // no passwd entry (some containers)
  }
}
