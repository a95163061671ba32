/**
 * A local LLM provider emulator on 127.0.0.1 (port 0 by default) speaking the OpenAI
 * (`/v1/chat/completions`, `/v1/responses`, `/v1/embeddings`) and Anthropic
 * (`/v1/messages`) wire formats, streamed (SSE) and not. Scenarios queued with `next()`
 * inject 429/500s (with `retry-after-ms` so SDK retries are fast), cut-off streams,
 * delays and usage overrides. Used by the interceptor tests, the bench and the demo.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as wire from './wire.js';

type Json = wire.Json;

export interface Scenario {
  /** Answer with this HTTP error status instead. */
  status?: number;
  /** How many consecutive requests this scenario applies to. Default 1. */
  times?: number;
  /** `retry-after-ms` on error responses. Default 1 (SDK retries are then immediate). */
  retryAfterMs?: number;
  reply?: string;
  /** Deep-merged into the provider-shaped usage object. */
  usage?: Json;
  /** Send no usage (non-streamed body without `usage`; stream without the usage chunk). */
  omitUsage?: boolean;
  /** Stream: destroy the socket after this many events (a cut-off stream). */
  cutAfter?: number;
  /** Stream: end the response cleanly after this many events (no usage, no [DONE]). */
  endAfter?: number;
  /** Delay before answering, ms. */
  delayMs?: number;
  /** Delay between stream events, ms. */
  eventDelayMs?: number;
  /** Chat and messages, not streamed: answer with this tool call instead of text (`tool_calls` / `tool_use`). */
  toolCall?: wire.ToolCall;
}

export interface ReceivedRequest {
  path: string;
  body: Json;
  headers: Record<string, string | string[] | undefined>;
  /** The SDK's `x-stainless-retry-count` (0 for a first attempt). */
  retry: number;
  requestId: string;
}

export interface EmulatorOptions {
  port?: number;
  /** Keep a log of received requests (tests); off for the bench. Default true. */
  log?: boolean;
  /** Default reply text. */
  reply?: string;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** For `new OpenAI({ baseURL })`. */
  readonly openaiBaseURL: string;
  /** For `new Anthropic({ baseURL })`. */
  readonly anthropicBaseURL: string;
  readonly requests: ReceivedRequest[];
  /** Queue a scenario for the next request(s). */
  next(scenario: Scenario): void;
  /** Drop queued scenarios and the request log; request ids restart at 1. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY = 'Hello from the ratecard emulator';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const log = options.log ?? true;
  const defaultReply = options.reply ?? DEFAULT_REPLY;
  const scenarios: Scenario[] = [];
  const requests: ReceivedRequest[] = [];
  let counter = 0;

  const take = (): Scenario => {
    const s = scenarios[0];
    if (!s) return {};
    const left = (s.times ?? 1) - 1;
    if (left <= 0) scenarios.shift();
    else s.times = left;
    return s;
  };

  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => handle(req, res, body),
      () => send(res, 400, {}, { error: { message: 'bad body' } }),
    );
  });
  server.keepAliveTimeout = 5_000;

  function handle(req: IncomingMessage, res: ServerResponse, body: Json): void {
    const n = ++counter;
    const path = (req.url ?? '').split('?')[0] ?? '';
    const anthropic = path === '/v1/messages';
    const requestId = `req_emu_${n}`;
    if (log) requests.push({ path, body, headers: req.headers, retry: Number(req.headers['x-stainless-retry-count'] ?? 0), requestId });
    const s = take();
    const headers: Record<string, string> = anthropic ? { 'request-id': requestId } : { 'x-request-id': requestId };
    const go = (): void => {
      if (s.status && s.status >= 400) {
        headers['retry-after-ms'] = String(s.retryAfterMs ?? 1);
        const err = anthropic
          ? { type: 'error', error: { type: s.status === 429 ? 'rate_limit_error' : 'api_error', message: `emulated ${s.status}` } }
          : { error: { message: `emulated ${s.status}`, type: s.status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, param: null } };
        send(res, s.status, headers, err);
        return;
      }
      route(path, body, s, n, headers, res);
    };
    if (s.delayMs) setTimeout(go, s.delayMs);
    else go();
  }

  function route(path: string, body: Json, s: Scenario, n: number, headers: Record<string, string>, res: ServerResponse): void {
    const model = typeof body.model === 'string' ? body.model : 'unknown-model';
    const reply = s.reply ?? defaultReply;
    const prompt = wire.promptTokens(body);
    const out = wire.replyWords(reply).length;
    const stream = body.stream === true;
    switch (path) {
      case '/v1/chat/completions': {
        const id = `chatcmpl-emu-${n}`;
        const usage = s.omitUsage ? null : wire.chatUsage(prompt, out, s.usage);
        if (!stream) return send(res, 200, headers, usage ? wire.chatCompletion(id, model, reply, usage, s.toolCall) : omit(wire.chatCompletion(id, model, reply, {}, s.toolCall), 'usage'));
        const wantUsage = (body.stream_options as Json | undefined)?.include_usage === true;
        return streamOut(res, headers, wire.chatChunks(id, model, reply, wantUsage ? usage : null), s);
      }
      case '/v1/responses': {
        const id = `resp_emu_${n}`;
        const usage = wire.responsesUsage(prompt, out, s.usage);
        if (!stream) return send(res, 200, headers, wire.response(id, model, reply, s.omitUsage ? null : usage));
        return streamOut(res, headers, wire.responseEvents(id, model, reply, usage), s);
      }
      case '/v1/embeddings': {
        const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
        const usage = { prompt_tokens: prompt, total_tokens: prompt, ...s.usage };
        return send(res, 200, headers, wire.embeddings(model, input, body.encoding_format === 'base64', usage));
      }
      case '/v1/messages': {
        const id = `msg_emu_${n}`;
        const usage = wire.anthropicUsage(prompt, out, s.usage);
        if (!stream) return send(res, 200, headers, wire.message(id, model, reply, usage, s.toolCall));
        return streamOut(res, headers, wire.messageEvents(id, model, reply, usage), s);
      }
      default:
        return send(res, 404, headers, { error: { message: `no route ${path}`, type: 'not_found' } });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    next: (scenario) => void scenarios.push({ ...scenario }),
    reset: () => {
      scenarios.length = 0;
      requests.length = 0;
      counter = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function omit(o: Json, key: string): Json {
  const { [key]: _, ...rest } = o;
  return rest;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function streamOut(res: ServerResponse, headers: Record<string, string>, events: wire.SseEvent[], s: Scenario): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const limit = s.cutAfter ?? s.endAfter ?? Infinity;
  let i = 0;
  const write = (): void => {
    if (res.destroyed) return;
    if (i >= limit) {
      // cutAfter: drop the connection mid-stream; endAfter: end it cleanly but early.
      // The delay lets the written events reach the client before the cut.
      if (s.cutAfter !== undefined) setTimeout(() => res.destroy(), 10);
      else res.end();
      return;
    }
    const e = events[i++];
    if (!e) {
      res.end();
      return;
    }
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`);
    if (s.eventDelayMs) setTimeout(write, s.eventDelayMs);
    else write();
  };
  write();
}

function readBody(req: IncomingMessage): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? (JSON.parse(text) as Json) : {});
      } catch (e) {
        reject(e);
      }
    });
  });
}
