/**
 * What a streaming accumulator reports: the call's canonical usage, or `missing` when the
 * stream ended (or was cut off) before the provider sent its final usage. A missing
 * usage is recorded as an incomplete call, never priced as 0; `partial` is what had
 * arrived, for diagnostics only (it undercounts).
 */
import type { CanonicalUsage } from '../canonical.js';
import { usageMissing } from '../reader.js';

export type StreamUsageResult =
  | { status: 'complete'; usage: CanonicalUsage }
  | { status: 'missing'; reason: string; partial?: CanonicalUsage };

export interface StreamUsageAccumulator<Event = unknown> {
  /** Feed every event/chunk of the stream, in order; unrelated events are ignored. */
  push(event: Event): void;
  result(): StreamUsageResult;
  /** The canonical usage, or throws RatecardError `usage_missing`. */
  usage(): CanonicalUsage;
}

/** Builds the accumulator's `usage()` from its `result()`. */
export function usageOrThrow(result: StreamUsageResult): CanonicalUsage {
  if (result.status === 'complete') return result.usage;
  throw usageMissing(result.reason);
}

/** Partial usage for a `missing` result, when what arrived can be read at all. */
export function tryPartial(read: () => CanonicalUsage): CanonicalUsage | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
