/**
 * A local receiver for fault-injection tests: node:http on 127.0.0.1, port 0. It applies
 * each event id once (deduplicating like a real backend), counts deliveries and
 * duplicates, and misbehaves on request as the test's `fault` function says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | undefined
  | { status: number; retryAfter?: string; body?: string; apply?: boolean }
  /** Destroy the socket without answering; `apply` first to simulate a lost ack. */
  | { reset: true; apply?: boolean }
  /** Answer after `delayMs` (events applied first). */
  | { delayMs: number };

export interface Request { n: number; at: number; headers: IncomingMessage['headers']; body: string; events: Array<{ id: string; [k: string]: unknown }> }

export class Receiver {
  readonly applied = new Map<string, unknown>();
  readonly requests: Request[] = [];
  duplicates = 0;
  fault: (req: Request) => Fault = () => undefined;
  /** Extract events from a request body (generic sink shape by default). */
  parse: (body: string, req: IncomingMessage) => Array<{ id: string; [k: string]: unknown }> = (body) => (JSON.parse(body) as { events: Array<{ id: string }> }).events;
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stop listening and drop every open connection (a crash of the receiver). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  apply(events: Request['events']): void {
    for (const e of events) {
      if (this.applied.has(e.id)) this.duplicates++;
      else this.applied.set(e.id, e);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const r: Request = { n: this.requests.length, at: Date.now(), headers: req.headers, body, events: [] };
    try {
      r.events = this.parse(body, req);
    } catch {
      res.writeHead(400).end('bad body');
      return;
    }
    this.requests.push(r);
    const f = this.fault(r);
    if (f && 'reset' in f) {
      if (f.apply) this.apply(r.events);
      req.socket.destroy();
      return;
    }
    if (f && 'status' in f) {
      if (f.apply) this.apply(r.events);
      res.writeHead(f.status, f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {}).end(f.body ?? '');
      return;
    }
    this.apply(r.events);
    if (f && 'delayMs' in f) await new Promise((resolve) => setTimeout(resolve, f.delayMs));
    if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }
}
