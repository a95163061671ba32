/**
 * Attribution scopes on AsyncLocalStorage: `withAttribution({ customer }, fn)` makes every
 * intercepted call inside `fn` (and its async continuations) carry those attributes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attribution } from './types.js';

const storage = new AsyncLocalStorage<Attribution>();

/** Runs `fn` with `attrs` merged over the enclosing scope's attribution. */
export function withAttribution<T>(attrs: Attribution, fn: () => T): T {
  return storage.run(mergeAttribution(storage.getStore(), attrs) ?? {}, fn);
}

/**
 * A wrapper's default attribution, normalized once and frozen: calls with no scope and no
 * per-call option share it instead of merging a copy each time.
 */
export function fixedAttribution(attrs: Attribution | undefined): Attribution | undefined {
  const merged = mergeAttribution(attrs);
  if (merged?.tags) Object.freeze(merged.tags);
  return merged === undefined ? undefined : Object.freeze(merged);
}

/** The attribution in force here, if any. */
export function currentAttribution(): Attribution | undefined {
  return storage.getStore();
}

/**
 * Later layers win field by field; `tags` accumulate (deduplicated, in order). Returns
 * undefined when every layer is empty so events stay small.
 */
export function mergeAttribution(...layers: (Attribution | undefined)[]): Attribution | undefined {
  let out: Attribution | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(layer)) {
      const value = layer[key];
      if (value === undefined || key === 'id') continue;
      out ??= {};
      if (key === 'tags') {
        const tags = out.tags ? [...out.tags] : [];
        for (const t of Array.isArray(value) ? value : [value]) if (typeof t === 'string' && !tags.includes(t)) tags.push(t);
        out.tags = tags;
      } else if (typeof value === 'string') {
        out[key] = value;
      } else if (Array.isArray(value)) {
        out[key] = value.filter((v) => typeof v === 'string');
      }
    }
  }
  return out;
}
