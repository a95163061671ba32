/** `ratecard` interceptors: track(), withAttribution(), the tracker queue. */
export { track } from './track.js';
export { wrapOpenAI, isOpenAILike } from './openai.js';
export { wrapAnthropic, isAnthropicLike } from './anthropic.js';
export { withAttribution, currentAttribution } from './context.js';
export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats, UsageEvent, BudgetGuard, BudgetCall, BudgetHold } from './types.js';
