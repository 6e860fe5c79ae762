// Counts Map lookups and updates made anywhere during a piece of synchronous work, as a measure of
// work that does not depend on the machine's speed: term-vector work is Map work, whatever the
// implementation, so a version that rebuilds "the rest of the report" per sentence shows up as
// quadratic growth. A budget makes an over-costly run fail at once instead of running for minutes.

export class WorkBudgetExceeded extends Error {
  override name = 'WorkBudgetExceeded';
}

/** Runs `run` with Map.prototype.get/set counted (restored afterwards); throws WorkBudgetExceeded past `budget`. */
export function countMapOps<T>(run: () => T, budget = Infinity): { result: T; ops: number } {
  const proto = Map.prototype as Map<unknown, unknown>;
  const { get, set } = proto;
  let ops = 0;
  const spend = () => {
    if (++ops > budget) throw new WorkBudgetExceeded(`more than ${budget.toLocaleString('en-US')} Map operations`);
  };
  proto.get = function (this: Map<unknown, unknown>, key: unknown) {
    spend();
    return get.call(this, key);
  };
  proto.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    spend();
    return set.call(this, key, value);
  };
  try {
    return { result: run(), ops };
  } finally {
    proto.get = get;
    proto.set = set;
  }
}
