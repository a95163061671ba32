/**
 * ratecard sync: deliver ledger entries to a backend, batched and retried, at least once,
 * off the caller's path. `ws` is only loaded when a WebSocket sink connects.
 */
export { Outbox, createOutbox, DEFAULT_TYPES, type OutboxOptions, type OutboxStats } from './outbox.js';
export type { SyncEvent, Sink, SendResult, SendContext, Rejection, DeadLetter } from './types.js';
export { SinkError, isRetryableStatus } from './errors.js';
export { backoffDelay, parseRetryAfter, nextDelay, type BackoffOptions } from './backoff.js';
export { signBody, verifySignature, SIGNATURE_HEADER, type SigningOptions } from './signature.js';
export { toSyncEvent, rawSyncEvent, encodeEvent } from './event.js';
export type { HttpTargetOptions } from './http.js';
export { createHttpSink, type HttpSinkOptions } from './sinks/http.js';
export { createLagoSink, toLagoEvent, LAGO_MAX_BATCH, type LagoSinkOptions, type LagoEvent } from './sinks/lago.js';
export { createOpenMeterSink, toCloudEvent, CLOUDEVENTS_BATCH, type OpenMeterSinkOptions, type CloudEvent } from './sinks/openmeter.js';
export { createWebSocketSink, type WebSocketSinkOptions } from './sinks/websocket.js';
