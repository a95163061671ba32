/**
 * WebSocket sink with acknowledgements. One connection, opened on first use and again
 * after it drops. Each batch is one text frame `{"type":"batch","batch":"<id>","events":[…]}`;
 * the receiver answers `{"type":"ack","batch":"<id>","rejected"?:[{index,reason}]}` once it
 * has applied the events, or `{"type":"nack","batch":"<id>","reason":"…","retryable":bool}`.
 * No ack within `ackTimeoutMs` (or a dropped connection) is a transient failure: the batch
 * is sent again and the receiver deduplicates by event id.
 *
 * `ws` is imported lazily, on connect, so loading ratecard never loads it.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket as WsSocket } from 'ws';
import { SinkError } from '../errors.js';
import type { Rejection, SendContext, SendResult, Sink, SyncEvent } from '../types.js';

export interface WebSocketSinkOptions {
  url: string;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>` on the upgrade request. */
  bearerToken?: string;
  /** Wait for an ack this long. Default 10 000 ms. */
  ackTimeoutMs?: number;
  /** Connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  name?: string;
  maxBatchEvents?: number;
}

interface Waiting { resolve: (r: SendResult) => void; reject: (e: Error) => void }

interface Reply { type?: string; batch?: string; rejected?: Rejection[]; reason?: string; retryable?: boolean }

export function createWebSocketSink(options: WebSocketSinkOptions): Sink {
  let socket: Promise<WsSocket> | undefined;
  const waiting = new Map<string, Waiting>();

  const dropAll = (why: string) => {
    for (const w of waiting.values()) w.reject(new SinkError(why, { retryable: true }));
    waiting.clear();
  };

  const connect = (): Promise<WsSocket> => {
    socket ??= (async () => {
      const { default: WebSocket } = await import('ws');
      const headers: Record<string, string> = { ...options.headers };
      if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
      const ws = new WebSocket(options.url, { headers, handshakeTimeout: options.connectTimeoutMs ?? 10_000 });
      ws.on('message', (data) => {
        let reply: Reply;
        try {
          reply = JSON.parse(String(data)) as Reply;
        } catch {
          return;
        }
        const w = reply.batch !== undefined ? waiting.get(reply.batch) : undefined;
        if (!w) return; // a late ack of a batch already given up on
        waiting.delete(reply.batch!);
        if (reply.type === 'ack') w.resolve({ rejected: Array.isArray(reply.rejected) ? reply.rejected : [] });
        else w.reject(new SinkError(`WebSocket ${options.url}: nack: ${reply.reason ?? 'no reason given'}`, { retryable: reply.retryable !== false, ...(reply.retryable === false ? { status: 400 } : {}) }));
      });
      ws.on('close', () => {
        socket = undefined;
        dropAll(`WebSocket ${options.url}: connection closed before the ack`);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', (e) => reject(new SinkError(`WebSocket ${options.url}: ${e.message}`, { retryable: true, cause: e })));
      });
      ws.on('error', () => undefined); // 'close' follows and fails the waiters
      return ws;
    })();
    socket.catch(() => (socket = undefined));
    return socket;
  };

  return {
    name: options.name ?? 'websocket',
    ...(options.maxBatchEvents !== undefined ? { maxBatchEvents: options.maxBatchEvents } : {}),
    async send(events: readonly SyncEvent[], ctx: SendContext): Promise<SendResult> {
      const ws = await connect();
      const batch = randomUUID();
      const acked = new Promise<SendResult>((resolve, reject) => waiting.set(batch, { resolve, reject }));
      const timeoutMs = options.ackTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => waiting.get(batch)?.reject(new SinkError('aborted', { retryable: true }));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        ws.send(JSON.stringify({ type: 'batch', batch, events }));
        return await Promise.race([
          acked,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new SinkError(`WebSocket ${options.url}: no ack within ${timeoutMs} ms`, { retryable: true })), timeoutMs))),
        ]);
      } finally {
        clearTimeout(timer);
        waiting.delete(batch);
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    async close(): Promise<void> {
      const s = socket;
      socket = undefined;
      if (!s) return;
      const ws = await s.catch(() => undefined);
      if (ws && ws.readyState === ws.OPEN) await new Promise<void>((r) => { ws.once('close', () => r()); ws.close(); });
      dropAll('sink closed');
    },
  };
}
