// A local file server for the model-download tests, on 127.0.0.1 only: serves fixed bytes, with
// or without Range support, and can drop or stall a response part-way. It records every request
// and closes itself after `lifetimeMs` at the latest, so a failed test cannot leave it running.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ServedRequest {
  path: string;
  range?: string;
}

export interface Misbehaviour {
  /** Send this many bytes of the body, then... */
  after: number;
  /** ...close the connection ('drop') or send nothing more until closed ('stall'). */
  how: 'drop' | 'stall';
  /** For this many requests of the path (default 1). */
  times?: number;
}

export interface FileServerOptions {
  ranges?: boolean;
  misbehave?: Record<string, Misbehaviour>;
  lifetimeMs?: number;
}

export class FileServer {
  readonly requests: ServedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly misbehaved = new Map<string, number>();
  private killTimer?: NodeJS.Timeout;

  constructor(
    readonly files: Map<string, Buffer>,
    private readonly options: FileServerOptions = {},
  ) {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.killTimer = setTimeout(() => void this.close(), this.options.lifetimeMs ?? 60_000);
    this.killTimer.unref();
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    clearTimeout(this.killTimer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    this.requests.push({ path, ...(range ? { range } : {}) });
    const body = this.files.get(path);
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    let start = 0;
    let status = 200;
    const m = this.options.ranges && range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
    }
    const part = body.subarray(start);
    res.writeHead(status, {
      'content-length': String(part.length),
      'accept-ranges': this.options.ranges ? 'bytes' : 'none',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const bad = this.options.misbehave?.[path];
    const count = this.misbehaved.get(path) ?? 0;
    if (bad && count < (bad.times ?? 1)) {
      this.misbehaved.set(path, count + 1);
      // A moment after the bytes went out, as a real connection drops (not before they arrive).
      res.write(part.subarray(0, bad.after), () => {
        if (bad.how === 'drop') setTimeout(() => res.socket?.destroy(), 100);
      });
      return;
    }
    res.end(part);
  }
}
