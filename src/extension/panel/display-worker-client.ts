// Decodes images for display in a forked worker process, started on first use and stopped when
// idle. Free of `vscode`, so plain-Node tests drive it against the real bundled worker.
import { fork, type ChildProcess } from 'node:child_process';
import * as v from 'valibot';
import type { PixelImage } from '../../protocol/review-panel-protocol';
import { PendingRequests, ReplySchema } from '../../protocol/request-reply';
import { DISPLAY_METHODS } from './display-worker-protocol';

const IDLE_STOP_MS = 60_000;
const STDERR_TAIL_CHARS = 2000;

export class DisplayWorkerClient {
  private child: ChildProcess | undefined;
  /** No timeout: a large image may take long; a worker that dies fails its requests. */
  private readonly requests = new PendingRequests((m) => this.child?.send(m), { methods: DISPLAY_METHODS });
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private stderr = '';

  constructor(
    private readonly workerScript: string,
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {}

  async decode(path: string, maxSide: number, maxImagePixels?: number): Promise<PixelImage> {
    this.ensureStarted();
    clearTimeout(this.idleTimer);
    try {
      return await this.requests.request('decode', { path, maxSide, ...(maxImagePixels ? { maxImagePixels } : {}) });
    } finally {
      if (!this.requests.size) this.scheduleIdleStop();
    }
  }

  /** Whether a worker process is running (for tests). */
  get running(): boolean {
    return this.child !== undefined;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.child?.kill();
    this.requests.rejectAll('the display worker was stopped');
    this.child = undefined;
  }

  private ensureStarted(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.workerScript, [], {
      // As for the scoring worker: not the host's flags, and Electron must behave as plain Node.
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Structured clone: pixel buffers cross as bytes, not as JSON arrays.
      serialization: 'advanced',
    });
    this.stderr = '';
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_CHARS)));
    child.on('message', (m: unknown) => {
      const reply = v.safeParse(ReplySchema, m);
      if (reply.success) this.requests.receive(reply.output);
    });
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.requests.rejectAll(`the display worker ${why}${this.stderr.trim() ? `: ${this.stderr.trim()}` : ''}`);
    };
    child.on('error', (e) => gone(`failed (${e.message})`));
    child.on('exit', (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    this.child = child;
    return child;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.requests.size) return;
      const child = this.child;
      this.child = undefined;
      child?.kill();
    }, this.idleStopMs);
    this.idleTimer.unref?.();
  }
}
