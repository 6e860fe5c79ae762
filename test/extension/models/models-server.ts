// A local file server for the model-download tests, on 127.0.0.1 only: serves fixed bytes, with
// or without Range support, and can drop or stall a response part-way, redirect, fail with a
// status a few times, or send more than the file (without Content-Length, endlessly, or with a
// Content-Length that says more). It records every request and the body bytes it sent per path,
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

/** Sends the file and then more, in 64 KiB chunks. */
export interface Overflow {
  /** Bytes after the file, or 'endless' (until the client closes the connection). */
  extra: number | 'endless';
  /** A Content-Length header to send (default none: chunked). */
  contentLength?: number;
  /** Wait this long after the headers before the first body byte. */
  bodyDelayMs?: number;
}

export interface FileServerOptions {
  ranges?: boolean;
  misbehave?: Record<string, Misbehaviour>;
  /** Path → where it redirects (absolute or relative Location), with the status (default 302). */
  redirects?: Record<string, string | { to: string; status: number }>;
  /** Path → answer this status for its first `times` requests, then serve normally. */
  failures?: Record<string, { status: number; times: number }>;
  overflow?: Record<string, Overflow>;
  lifetimeMs?: number;
}

const CHUNK = 64 * 1024;

export class FileServer {
  readonly requests: ServedRequest[] = [];
  /** Body bytes written per path (for overflow: how long the server went on sending). */
  readonly sent = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly misbehaved = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private killTimer?: NodeJS.Timeout;

  constructor(
    readonly files: Map<string, Buffer>,
    /** May be changed after start (a redirect that names the server's own port). */
    readonly options: FileServerOptions = {},
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
    const redirect = this.options.redirects?.[path];
    if (redirect !== undefined) {
      const { to, status } = typeof redirect === 'string' ? { to: redirect, status: 302 } : redirect;
      res.writeHead(status, { location: to }).end();
      return;
    }
    const failure = this.options.failures?.[path];
    const failedSoFar = this.failed.get(path) ?? 0;
    if (failure && failedSoFar < failure.times) {
      this.failed.set(path, failedSoFar + 1);
      res.writeHead(failure.status).end();
      return;
    }
    const body = this.files.get(path);
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    const overflow = this.options.overflow?.[path];
    if (overflow) {
      this.overflow(path, body, overflow, res);
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
    this.sent.set(path, (this.sent.get(path) ?? 0) + part.length);
    res.end(part);
  }

  /** The whole file, then `extra` more bytes, honouring backpressure; stops when the client goes. */
  private overflow(path: string, body: Buffer, o: Overflow, res: ServerResponse): void {
    res.writeHead(200, o.contentLength !== undefined ? { 'content-length': String(o.contentLength) } : {});
    res.flushHeaders();
    const limit = o.extra === 'endless' ? Infinity : body.length + o.extra;
    const filler = Buffer.alloc(CHUNK, 0x5a);
    let at = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && at < limit) {
        const chunk =
          at < body.length ? body.subarray(at, at + CHUNK) : filler.subarray(0, Math.min(CHUNK, limit - at));
        at += chunk.length;
        this.sent.set(path, (this.sent.get(path) ?? 0) + chunk.length);
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    setTimeout(pump, o.bodyDelayMs ?? 0);
  }
}
