/**
 * Alerts to a webhook: the alert records are in the ledger, so an outbox that delivers
 * only `alert` entries sends each one at least once (id = the alert key, for dedup),
 * with the same retries, signatures and dead letters as usage sync.
 */
import type { Ledger } from '../ledger/ledger.js';
import { createOutbox, type Outbox, type OutboxOptions } from '../sync/outbox.js';
import type { Sink } from '../sync/types.js';

export function createAlertOutbox(ledger: Ledger, sink: Sink, options: Omit<OutboxOptions, 'ledger' | 'storage' | 'sink' | 'types'> = {}): Outbox {
  return createOutbox({ name: `alerts-${sink.name}`, batchSize: 20, flushIntervalMs: 1000, ...options, ledger, sink, types: ['alert'] });
}
