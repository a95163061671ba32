/**
 * The client Proxy: intercepts only the paths a spec names and passes everything else
 * through, bound to the real target (the SDKs keep state in #private fields, which a
 * Proxy receiver cannot reach). Sub-resources get their own cached proxies so
 * `wrapped.chat === wrapped.chat` holds.
 */
import { PendingCall } from './call.js';
import { instrumentResult, isObj, type ApiAdapter } from './instrument.js';
import { currentAttribution, mergeAttribution } from './context.js';
import type { AfterRecord, Tracker } from './queue.js';
import type { Attribution, BudgetCall, BudgetGuard, CallOptions } from './types.js';

/** An intercepted method: which wire format it speaks. */
export interface MethodSpec {
  kind: 'call';
  api: string;
  adapter: ApiAdapter;
  /** OpenAI chat: add `stream_options.include_usage` to streamed requests that lack it. */
  addStreamUsage?: boolean;
}

/** A helper that calls `this.create` itself (Anthropic `messages.stream`): run it against the proxy. */
export interface RouteSpec {
  kind: 'route';
  /** Used when the helper did not route through `create` (a future SDK): observe its result. */
  fallback?: (result: unknown, call: PendingCall) => void;
  api: string;
}

/** Methods on the client returning a new client (`withOptions`) that must stay wrapped. */
export interface RewrapSpec {
  kind: 'rewrap';
}

/**
 * A resource's back-reference to its client (`_client` on OpenAI resources): read through
 * the proxy it returns the wrapped client, so a routed helper's `this._client.….create`
 * (OpenAI `parse`, `stream`, `runTools`) is intercepted too.
 */
export interface RootSpec {
  kind: 'root';
}

export type Spec = MethodSpec | RouteSpec | RewrapSpec | RootSpec | { [name: string]: Spec };

export interface WrapContext {
  tracker: Tracker;
  provider: string;
  defaults?: Attribution;
  /** Hard limits checked before each call; absent, calls go straight through (no deferral). */
  budgets?: BudgetGuard;
  estimate?: (request: unknown) => string;
}

const OPTION_KEY = 'ratecard';

/**
 * A routed helper's per-call option. It rides along in the request options the helper
 * forwards to `create` (OpenAI helpers call it later, from a timer), and is also set
 * synchronously in `routed` for helpers that call `create` at once without forwarding
 * options. Its `id` goes to the first call only: `runTools` makes several.
 */
class RoutedOption {
  #perCall: CallOptions | undefined;
  #idUsed = false;
  hit = false;

  constructor(perCall: CallOptions | undefined) {
    this.#perCall = perCall;
  }

  take(): CallOptions | undefined {
    this.hit = true;
    const p = this.#perCall;
    if (p === undefined || p.id === undefined) return p;
    if (!this.#idUsed) {
      this.#idUsed = true;
      return p;
    }
    const { id: _id, ...rest } = p;
    return rest;
  }
}

let routed: RoutedOption | undefined;

export function wrapWithSpec<T extends object>(client: T, spec: Spec, ctx: WrapContext): T {
  const proxies = new WeakMap<object, object>();
  let rootProxy: object | undefined;

  const proxyFor = (target: object, node: { [name: string]: Spec }, root: Spec): object => {
    const cached = proxies.get(target);
    if (cached) return cached;
    // What each property resolved to, valid while the target still holds the same value.
    const memo = new Map<PropertyKey, { orig: unknown; out: unknown }>();
    const proxy: object = new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t);
        if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
        const hit = memo.get(prop);
        if (hit !== undefined && hit.orig === value) return hit.out;
        const out = resolve(t, prop, value);
        memo.set(prop, { orig: value, out });
        return out;
      },
    });
    const resolve = (t: object, prop: PropertyKey, value: object): unknown => {
      if (isFrozenProp(t, prop)) return value;
      const sub = typeof prop === 'string' && Object.hasOwn(node, prop) ? node[prop] : undefined;
      if (sub !== undefined && isSpecLeaf(sub) && typeof value === 'function') {
        if (sub.kind === 'call') return interceptCall(ctx, sub, t, value as Fn);
        if (sub.kind === 'route') return interceptRoute(ctx, sub, t, value as Fn, proxy);
        if (sub.kind === 'rewrap') return rewrap(value as Fn, t, root);
      }
      if (sub !== undefined && isSpecLeaf(sub) && sub.kind === 'root' && value === client) return rootProxy;
      if (sub !== undefined && !isSpecLeaf(sub) && typeof value === 'object') return proxyFor(value, sub, root);
      return typeof value === 'function' ? (value as Fn).bind(t) : value;
    };
    proxies.set(target, proxy);
    return proxy;
  };

  const rewrap = (fn: Fn, target: object, root: Spec): Fn =>
    function (this: unknown, ...args: unknown[]) {
      const result = fn.apply(target, args);
      return isObj(result) ? wrapWithSpec(result, root, ctx) : result;
    };

  if (isSpecLeaf(spec)) throw new TypeError('root spec must be a resource map');
  rootProxy = proxyFor(client, spec, spec);
  return rootProxy as T;
}

type Fn = (...args: unknown[]) => unknown;

function isSpecLeaf(s: Spec): s is MethodSpec | RouteSpec | RewrapSpec | RootSpec {
  return typeof (s as { kind?: unknown }).kind === 'string';
}

/** Proxy invariant: a non-configurable, non-writable property must be returned as is. */
function isFrozenProp(target: object, prop: PropertyKey): boolean {
  const d = Object.getOwnPropertyDescriptor(target, prop);
  return d !== undefined && d.configurable === false && d.writable === false;
}

/** Split the per-call `ratecard` option out of the SDK request options (args[1]). */
function takeOption(args: unknown[]): CallOptions | undefined {
  const options = args[1];
  if (!isObj(options) || !Object.hasOwn(options, OPTION_KEY)) return undefined;
  const { [OPTION_KEY]: mine, ...rest } = options as Record<string, unknown>;
  args[1] = rest;
  if (mine instanceof RoutedOption) return mine.take();
  return isObj(mine) ? (mine as CallOptions) : undefined;
}

function interceptCall(ctx: WrapContext, spec: MethodSpec, target: object, orig: Fn): Fn {
  if (ctx.budgets) return guardedCall(ctx, ctx.budgets, spec, target, orig);
  // One callback per intercepted method, not one per call.
  const onInternalError = (): void => ctx.tracker.internalError();
  return function intercepted(...args: unknown[]) {
    let perCall: CallOptions | undefined;
    // Most calls pass no request options and run outside a helper: nothing to look for.
    if (args[1] !== undefined || routed !== undefined) {
      try {
        perCall = takePerCall(args);
      } catch {
        ctx.tracker.internalError();
      }
    }
    return startCall(ctx, spec, target, orig, args, perCall, undefined, onInternalError);
  };
}

/** The per-call option, or the routed helper's (`messages.stream(…, { ratecard })`) when it was not forwarded. */
function takePerCall(args: unknown[]): CallOptions | undefined {
  const perCall = takeOption(args);
  if (routed !== undefined && !routed.hit) {
    const r = routed.take();
    return perCall === undefined ? r : r === undefined ? perCall : { ...r, ...perCall };
  }
  return perCall;
}

/** Send the call through the SDK and instrument what it returns. */
function startCall(ctx: WrapContext, spec: MethodSpec, target: object, orig: Fn, args: unknown[], perCall: CallOptions | undefined, onRecorded: AfterRecord | undefined, onInternalError: () => void): unknown {
  let call: PendingCall | undefined;
  let hide = false;
  try {
    const body = args[0];
    if (isObj(body) && spec.addStreamUsage && body.stream === true) {
      const so = isObj(body.stream_options) ? body.stream_options : undefined;
      if (so?.include_usage === undefined || so.include_usage === null) {
        args[0] = { ...body, stream_options: { ...so, include_usage: true } };
        hide = true;
      }
    }
    call = new PendingCall({
      tracker: ctx.tracker,
      provider: ctx.provider,
      api: spec.api,
      model: isObj(body) && typeof body.model === 'string' ? body.model : undefined,
      stream: isObj(body) && body.stream === true,
      defaults: ctx.defaults,
      perCall,
      onRecorded,
    });
  } catch {
    ctx.tracker.internalError();
    // No event will be recorded: whatever was held for this call is let go now.
    onRecorded?.(undefined, false);
  }
  let result: unknown;
  try {
    result = orig.apply(target, args);
  } catch (error) {
    call?.fail(error);
    throw error;
  }
  if (!call) return result;
  try {
    return instrumentResult(result, { call, adapter: spec.adapter, hideUsageChunk: hide, onInternalError });
  } catch {
    ctx.tracker.internalError();
    return result;
  }
}

/**
 * With a budget guard: the attribution is fixed and the per-call option taken now
 * (synchronously, so a routed helper's option still applies); the SDK call is made only
 * once the guard has let it through. A refused call is never sent and never recorded.
 * What the caller gets is a promise that also has the SDK promise's helpers
 * (`withResponse`, `asResponse`, `_thenUnwrap`), deferred the same way.
 */
function guardedCall(ctx: WrapContext, budgets: BudgetGuard, spec: MethodSpec, target: object, orig: Fn): Fn {
  const onInternalError = (): void => ctx.tracker.internalError();
  return function guarded(...args: unknown[]) {
    let perCall: CallOptions | undefined;
    try {
      perCall = takePerCall(args);
    } catch {
      ctx.tracker.internalError();
    }
    const body = args[0];
    const input: BudgetCall = { provider: ctx.provider };
    const attributes = mergeAttribution(ctx.defaults, currentAttribution(), perCall);
    if (attributes) input.attributes = attributes;
    if (isObj(body) && typeof body.model === 'string') input.model = body.model;
    if (isObj(body) && typeof body.service_tier === 'string') input.service_tier = body.service_tier;
    // Promise.resolve().then: a throwing guard or estimate rejects the call (fails closed).
    const gate = Promise.resolve().then(async (): Promise<AfterRecord | undefined> => {
      const estimate = ctx.estimate ? ctx.estimate(body) : undefined;
      if (estimate !== undefined && typeof budgets.reserve === 'function') {
        const hold = await budgets.reserve(input, estimate);
        return (recorded, ok) => {
          if (ok && recorded !== undefined && recorded !== null) void hold.settle(recorded).then(undefined, onInternalError);
          else hold.release();
        };
      }
      await budgets.assertWithinBudget(input, estimate);
      return undefined;
    });
    let inner: unknown;
    const started = gate.then((onRecorded) => {
      try {
        inner = startCall(ctx, spec, target, orig, args, perCall, onRecorded, onInternalError);
      } catch (error) {
        // The SDK threw before making a request: nothing will be recorded.
        onRecorded?.(undefined, false);
        throw error;
      }
    });
    return deferred(started, () => inner);
  };
}

const HELPERS = ['withResponse', 'asResponse'] as const;
const noop = (): void => undefined;

/** A promise of what `result()` resolves to once `started` has, with the SDK promise helpers deferred too. */
function deferred(started: Promise<void>, result: () => unknown): Promise<unknown> {
  const p = started.then(result) as Promise<unknown> & Record<string, unknown>;
  // A caller that only chains `.withResponse()` must not leave this one unhandled.
  p.then(undefined, noop);
  for (const name of HELPERS) {
    p[name] = () => started.then(() => callHelper(result(), name, []));
  }
  p._thenUnwrap = (...a: unknown[]) => deferred(started, () => callHelper(result(), '_thenUnwrap', a));
  return p;
}

function callHelper(target: unknown, name: string, args: unknown[]): unknown {
  const fn = isObj(target) ? target[name] : undefined;
  if (typeof fn !== 'function') throw new TypeError(`the SDK call returned no ${name}()`);
  return (fn as Fn).apply(target, args);
}

function interceptRoute(ctx: WrapContext, spec: RouteSpec, target: object, orig: Fn, self: object): Fn {
  return function routedHelper(...args: unknown[]) {
    let option: RoutedOption;
    try {
      option = new RoutedOption(takeOption(args));
      // Forwarded in the request options to the helper's own create call(s).
      args[1] = { ...(isObj(args[1]) ? args[1] : {}), [OPTION_KEY]: option };
    } catch {
      ctx.tracker.internalError();
      option = new RoutedOption(undefined);
    }
    const outer = routed;
    routed = option;
    let result: unknown;
    try {
      // `this` = the proxy, so the helper's own `this.create(...)` is intercepted.
      result = orig.apply(self, args);
    } finally {
      routed = outer;
    }
    // A helper that calls create later (a timer) has not hit it yet: only the fallback knows it never will.
    if (!option.hit && spec.fallback) {
      try {
        const body = args[0];
        const model = isObj(body) && typeof body.model === 'string' ? body.model : undefined;
        const call = new PendingCall({ tracker: ctx.tracker, provider: ctx.provider, api: spec.api, model, stream: true, defaults: ctx.defaults, perCall: option.take() });
        spec.fallback(result, call);
      } catch {
        ctx.tracker.internalError();
      }
    }
    return result;
  };
}
