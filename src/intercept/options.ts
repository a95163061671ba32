/**
 * Options every integration takes, and how they resolve to a tracker. Passing a bare
 * `recorder` shares one default tracker per recorder; `flushAll()` / `shutdownAll()`
 * reach those default trackers (a process exit hook can call shutdownAll()).
 */
import { RatecardError } from '../errors/index.js';
import { fixedAttribution } from './context.js';
import { Tracker, type TrackerOptions } from './queue.js';
import type { Attribution, BudgetGuard, Recorder } from './types.js';
import type { WrapContext } from './proxy.js';

export interface TrackOptions {
  /** The queue to push into (shared by several wrappers). */
  tracker?: Tracker;
  /** Or a recorder: a default tracker is created for it (one per recorder). */
  recorder?: Recorder;
  /** Queue settings for that default tracker. */
  queue?: Omit<TrackerOptions, 'recorder'>;
  /** Provider name recorded on events (default: the SDK's, e.g. `openai`; set it for OpenAI-compatible servers). */
  provider?: string;
  /** Attribution every call of this wrapper carries. */
  attributes?: Attribution;
  /**
   * Hard limits checked before each intercepted call (`createBudgets(...)` from
   * `ratecard/alerts`, or any object with `assertWithinBudget`). A refused call is never
   * sent and rejects with `budget_exceeded`. Absent: the wrapper is unchanged.
   */
  budgets?: BudgetGuard;
  /**
   * The call's maximum cost as a decimal string, from its request body. With `budgets.reserve`
   * it is held during the call and settled once the event is recorded; otherwise it is
   * passed to `assertWithinBudget` as the estimate.
   */
  estimate?: (request: unknown) => string;
}

const defaults = new Map<Recorder, Tracker>();

export function resolveTracker(options: TrackOptions | undefined): Tracker {
  if (options?.tracker instanceof Tracker) return options.tracker;
  const recorder = options?.recorder;
  if (!recorder || typeof recorder.record !== 'function') {
    throw new RatecardError('track_missing_recorder', 'pass `tracker` (from createTracker) or `recorder` (an object with record(event)) in the options');
  }
  let tracker = defaults.get(recorder);
  if (!tracker || tracker.closed) {
    tracker = new Tracker({ ...options.queue, recorder });
    defaults.set(recorder, tracker);
  }
  return tracker;
}

/** Flush every default tracker. */
export async function flushAll(): Promise<void> {
  await Promise.all([...defaults.values()].map((t) => t.flush()));
}

/** Shut down every default tracker (open calls are recorded as incomplete). */
export async function shutdownAll(): Promise<void> {
  const all = [...defaults.values()];
  defaults.clear();
  await Promise.all(all.map((t) => t.shutdown()));
}

/** The wrap context a client wrapper needs from the user's options (one place, so new options reach every provider). */
export function wrapContext(options: TrackOptions, defaultProvider: string): WrapContext {
  return {
    tracker: resolveTracker(options),
    provider: options.provider ?? defaultProvider,
    defaults: fixedAttribution(options.attributes),
    budgets: options.budgets,
    estimate: options.estimate,
  };
}
