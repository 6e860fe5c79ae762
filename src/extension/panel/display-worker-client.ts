// Decodes images for display in a forked worker process, started on first use and stopped when
// idle. Free of `vscode`, so plain-Node tests drive it against the real bundled worker.
import { fork, type ChildProcess } from 'node:child_process';
import type { PixelImage } from '../../protocol/review-panel-protocol';
import { isDecodeReply, type DecodeRequest } from './display-worker-protocol';

const IDLE_STOP_MS = 60_000;
const STDERR_TAIL_CHARS = 2000;

export class DisplayWorkerClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (image: PixelImage) => void; reject: (e: Error) => void }>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private stderr = '';

  constructor(
    private readonly workerScript: string,
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {}

  decode(path: string, maxSide: number, maxImagePixels?: number): Promise<PixelImage> {
    const child = this.ensureStarted();
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    return new Promise<PixelImage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({
        type: 'decode',
        id,
        path,
        maxSide,
        ...(maxImagePixels ? { maxImagePixels } : {}),
      } satisfies DecodeRequest);
    });
  }

  /** Whether a worker process is running (for tests). */
  get running(): boolean {
    return this.child !== undefined;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.child?.kill();
    this.failAll('the display worker was stopped');
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
      if (!isDecodeReply(m)) return;
      const entry = this.pending.get(m.id);
      if (!entry) return;
      this.pending.delete(m.id);
      if (m.type === 'decoded') entry.resolve(m.image);
      else entry.reject(new Error(m.message));
      if (!this.pending.size) this.scheduleIdleStop();
    });
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.failAll(`the display worker ${why}${this.stderr.trim() ? `: ${this.stderr.trim()}` : ''}`);
    };
    child.on('error', (e) => gone(`failed (${e.message})`));
    child.on('exit', (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    this.child = child;
    return child;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size) return;
      const child = this.child;
      this.child = undefined;
      child?.kill();
    }, this.idleStopMs);
    this.idleTimer.unref?.();
  }

  private failAll(why: string): void {
    for (const entry of this.pending.values()) entry.reject(new Error(why));
    this.pending.clear();
  }
}
