// The request/reply envelope shared by the three channels the extension talks over: the review
// panel's webview (both ways), the display worker and the scoring worker. A channel's methods are
// declared once, as schemas of their params and results; the request messages' schema, the types
// and the checks of params and results are derived from that table. The asking side
// (PendingRequests) numbers its requests, matches replies, checks each result, fails a request
// that gets no reply in time and, when the other side goes away, every open one. The answering
// side wraps its work in `answer`. Free of `vscode`, Node and the DOM: both bundles import it.
import * as v from 'valibot';
import { count, describeIssue } from '../engine/results-schema';
import { describeError } from '../engine/describe-error';

/** A channel's methods: the schema of each one's params and of its result. */
export type MethodSchemas = Record<string, { params: v.GenericSchema; result: v.GenericSchema }>;

/** The params and result types of each method of a table. */
export type MethodTypes<S extends MethodSchemas> = {
  [M in keyof S & string]: { params: v.InferOutput<S[M]['params']>; result: v.InferOutput<S[M]['result']> };
};

type Methods = Record<string, { params: unknown; result: unknown }>;

/** A request for any method of `R`. */
export type RequestTo<R extends Methods> = {
  [M in keyof R & string]: { type: 'request'; requestId: number; method: M; params: R[M]['params'] };
}[keyof R & string];

export type Reply<T = unknown> =
  | { type: 'reply'; requestId: number; ok: true; result: T }
  | { type: 'reply'; requestId: number; ok: false; error: string };

const text = v.string('expected text');

export const ReplySchema = v.variant('ok', [
  v.object({ type: v.literal('reply'), requestId: count, ok: v.literal(true), result: v.unknown() }),
  v.object({ type: v.literal('reply'), requestId: count, ok: v.literal(false), error: text }),
]);

/** The schemas of a table's request messages (one per method; for a variant on `type`). */
export function requestSchemas<S extends MethodSchemas>(
  methods: S,
): v.GenericSchema<unknown, RequestTo<MethodTypes<S>>> {
  const options = Object.entries(methods).map(([method, { params }]) =>
    v.object({ type: v.literal('request'), requestId: count, method: v.literal(method), params }),
  );
  // Built from the same table as the type: the cast only restores the literal method names.
  return v.variant('method', options) as unknown as v.GenericSchema<unknown, RequestTo<MethodTypes<S>>>;
}

/** The problem a failed parse reports: its first issue, field named, and how many more there are. */
export function describeIssues(issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const [first, ...rest] = issues;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  return describeIssue(first) + more;
}

/** Runs the answering side's work and wraps its result, or its failure, as the reply. */
export async function answer<T>(requestId: number, work: () => T | Promise<T>): Promise<Reply<T>> {
  try {
    return { type: 'reply', requestId, ok: true, result: await work() };
  } catch (e) {
    return { type: 'reply', requestId, ok: false, error: describeError(e) };
  }
}

export interface PendingRequestsOptions<S extends MethodSchemas> {
  /** The methods, whose result schemas check each reply (a result that fails is a failed request). */
  methods: S;
  /** A request without a reply by then fails; none: requests wait until answered or `rejectAll`. */
  timeoutMs?: number;
}

/** The asking side of a channel. */
export class PendingRequests<S extends MethodSchemas> {
  private next = 1;
  private readonly pending = new Map<
    number,
    {
      method: string;
      resolve: (v: never) => void;
      reject: (e: Error) => void;
      timer: ReturnType<typeof setTimeout> | undefined;
    }
  >();

  constructor(
    private readonly post: (message: RequestTo<MethodTypes<S>>) => void,
    private readonly options: PendingRequestsOptions<S>,
  ) {}

  /** Requests awaiting their reply. */
  get size(): number {
    return this.pending.size;
  }

  request<M extends keyof S & string>(
    method: M,
    params: MethodTypes<S>[M]['params'],
  ): Promise<MethodTypes<S>[M]['result']> {
    const requestId = this.next++;
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => this.settle(requestId, new Error(`${method}: no reply within ${timeoutMs} ms`)),
              timeoutMs,
            );
      this.pending.set(requestId, { method, resolve: resolve as (v: never) => void, reject, timer });
      this.post({ type: 'request', requestId, method, params } as RequestTo<MethodTypes<S>>);
    });
  }

  /**
   * Settles the request a reply answers; false when it answers none (late, or unknown). A failure
   * the other side reports keeps its message as it is (it says what failed, for the user).
   */
  receive(reply: Reply): boolean {
    const entry = this.pending.get(reply.requestId);
    if (!entry) return false;
    if (!reply.ok) return this.settle(reply.requestId, new Error(reply.error));
    const checked = v.safeParse(this.options.methods[entry.method]!.result, reply.result);
    return checked.success
      ? this.settle(reply.requestId, undefined, checked.output)
      : this.settle(
          reply.requestId,
          new Error(`${entry.method}: ill-formed result (${describeIssues(checked.issues)})`),
        );
  }

  /** Fails every open request (the other side went away); later requests are made as usual. */
  rejectAll(why: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new Error(why));
  }

  private settle(requestId: number, error: Error | undefined, result?: unknown): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result as never);
    return true;
  }
}
