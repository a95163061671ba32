/**
 * compileRatecard: a PricingDocument checked and compiled once into a Rater. Quoting walks
 * precompiled structures only (src/engine/quote.ts); models the file does not list are
 * priced from the catalog when the document says `use_catalog` and one was given.
 */
import { RatecardError, type Diagnostic } from '../errors/index.js';
import { isCurrencyCode } from '../money/index.js';
import type { Meter, ModelPricing, Plan, PricingDocument } from '../pricing/document.js';
import type { ModelLookup, ModelSource, ResolvedModelPrice } from '../pricing/model-source.js';
import type { CanonicalUsage } from '../usage/canonical.js';
import { parseCanonicalUsage } from '../usage/parse-canonical.js';
import { suggest } from '../util/suggest.js';
import type { CompiledModel } from '../engine/compiled.js';
import { priceCall } from '../engine/quote.js';
import type { Quote, QuoteRequest, Rater } from '../engine/types.js';
import { checkDuplicates, compileModel, ModelIndex } from './models.js';
import { Problems } from './problems.js';
import { compileRules, type DocRules } from './rules.js';
import { documentVersion } from './version.js';

export interface CompileOptions {
  /** Prices models the document does not list, when it says `use_catalog`. */
  catalog?: ModelSource;
  /** File name used in diagnostics and line `source`s. */
  file?: string;
}

export interface ModelInfo {
  id: string;
  provider?: string;
  aliases: string[];
}

const CATALOG_CACHE_LIMIT = 1024;

/** A catalog price in force for call times [from, until), for one (model, provider, service tier) as requested. */
interface PriceWindow {
  provider: string | undefined;
  tier: string | undefined;
  from: number;
  until: number;
  model: CompiledModel;
}

export class CompiledRatecard implements Rater {
  readonly document: PricingDocument;
  readonly currency: string;
  /** `sha256:<hex>` of the document's canonical JSON (spans excluded). */
  readonly version: string;
  readonly plans: readonly Plan[];
  /** Non-fatal compile diagnostics (e.g. a scope naming a model the file does not price). */
  readonly warnings: readonly Diagnostic[];
  private readonly index: ModelIndex;
  private readonly compiled: CompiledModel[];
  private readonly rules: DocRules;
  private readonly catalog: ModelSource | undefined;
  private readonly file: string | undefined;
  private readonly catalogModels = new Map<string, CompiledModel>();
  /** By requested model name (exact spelling): catalog prices with the call times they hold for. */
  private readonly windows = new Map<string, PriceWindow[]>();
  private windowCount = 0;
  /** The last `at` string parsed and its time (strings are immutable, so this is exact). */
  private lastAt: string | undefined;
  private lastAtMs = 0;

  /** Use compileRatecard(). */
  constructor(doc: PricingDocument, options: CompileOptions = {}) {
    const p = new Problems(options.file);
    if (!doc || typeof doc !== 'object') throw new RatecardError('invalid_document', 'a pricing document must be an object');
    if (!isCurrencyCode(doc.currency)) p.error('invalid_currency', `currency must be a 3-letter ISO 4217 code, got ${JSON.stringify(doc.currency)}`);
    const models = Array.isArray(doc.models) ? doc.models : [];
    const index0 = new Map<string, ModelPricing[]>();
    for (const m of models) {
      if (typeof m?.id !== 'string' || m.id === '') { p.error('invalid_model', 'every model needs a non-empty `id`', m?.span); continue; }
      for (const n of [m.id, ...(m.aliases ?? [])]) index0.set(n.toLowerCase(), [...(index0.get(n.toLowerCase()) ?? []), m]);
    }
    checkDuplicates(models, p);
    this.rules = compileRules(doc, index0, p, options.file);
    this.version = documentVersion(doc);
    const valid = models.filter((m) => typeof m?.id === 'string' && m.id !== '');
    this.compiled = valid.map((m) =>
      compileModel(m, { label: `model ${m.id}`, priceVersion: this.version, rules: this.rules, file: options.file, problems: p, entry: m }),
    );
    if (p.hasErrors) throw RatecardError.fromDiagnostics(p.list);
    this.index = new ModelIndex(this.compiled, valid.map((m) => m.aliases ?? []));
    this.document = doc;
    this.currency = doc.currency;
    this.plans = doc.plans ?? [];
    this.warnings = p.list;
    this.catalog = doc.use_catalog ? options.catalog : undefined;
    this.file = options.file;
  }

  /** The models the document prices (not the catalog's). */
  models(): ModelInfo[] {
    return (Array.isArray(this.document.models) ? this.document.models : []).map((m) => ({ id: m.id, ...(m.provider !== undefined ? { provider: m.provider } : {}), aliases: [...(m.aliases ?? [])] }));
  }

  plan(name: string): Plan | undefined {
    return this.rules.plans.get(name)?.plan;
  }

  /** Every meter the document's tiers and allowances count (what the ledger aggregates per period). */
  meters(): Meter[] {
    const out = new Set<Meter>();
    for (const s of this.rules.schedules) out.add(s.item.meter);
    for (const list of this.rules.planSchedules.values()) for (const s of list) out.add(s.item.meter);
    for (const plan of this.rules.plans.values()) if (plan.allowance) out.add(plan.allowance.meter);
    return [...out];
  }

  quote(request: QuoteRequest): Quote {
    if (request === null || typeof request !== 'object') throw new RatecardError('invalid_request', 'a quote request must be an object');
    if (typeof request.model !== 'string' || request.model === '') throw new RatecardError('invalid_request', 'a quote request needs `model` (a non-empty string)');
    return this.quoteUsage(request, parseCanonicalUsage(request.usage));
  }

  /**
   * @internal quote() of a request whose `usage` is already a CanonicalUsage (a
   * normalizer's output, exactly its 12 buckets): skips re-reading it when every bucket
   * is already a valid count, which is what parseCanonicalUsage would return.
   */
  quoteCanonical(request: QuoteRequest): Quote {
    const usage = request.usage as CanonicalUsage;
    if (!isValidCanonical(usage)) return this.quote(request);
    if (typeof request.model !== 'string' || request.model === '') throw new RatecardError('invalid_request', 'a quote request needs `model` (a non-empty string)');
    return this.quoteUsage(request, usage);
  }

  private quoteUsage(request: QuoteRequest, usage: CanonicalUsage): Quote {
    const attributes = request.attributes;
    const planName = attributes?.plan;
    let plan;
    if (planName !== undefined) {
      plan = typeof planName === 'string' ? this.rules.plans.get(planName) : undefined;
      if (!plan) {
        const names = [...this.rules.plans.keys()];
        throw new RatecardError('plan_not_found', `unknown plan ${JSON.stringify(planName)}${names.length ? ` (plans: ${names.join(', ')})` : ' (this ratecard defines no plans)'}`, {
          details: { plan: planName, suggestions: suggest(String(planName), names) },
        });
      }
    }
    const model = this.index.find(request.model, request.provider) ?? this.fromCatalog(request);
    return priceCall({
      model,
      usage,
      request,
      plan,
      currency: this.currency,
      requested: request.model.toLowerCase(),
      serviceTier: request.service_tier ?? (typeof attributes?.service_tier === 'string' ? attributes.service_tier : undefined),
    });
  }

  private notFound(request: QuoteRequest, cause?: RatecardError): RatecardError {
    const fromCatalog = Array.isArray(cause?.details.suggestions) ? (cause.details.suggestions as string[]) : [];
    const suggestions = [...new Set([...suggest(request.model, this.index.names()), ...fromCatalog])].slice(0, 5);
    const where = this.catalog ? 'this ratecard or the catalog' : this.document.use_catalog ? 'this ratecard (use_catalog is on, but no catalog was given)' : 'this ratecard';
    const hint = suggestions.length ? ` (did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?)` : '';
    return new RatecardError('model_not_found', `model \`${request.model}\`${request.provider ? ` (provider ${request.provider})` : ''} is not priced by ${where}${hint}; refusing to price it as 0`, {
      details: { model: request.model, ...(request.provider ? { provider: request.provider } : {}), suggestions },
      ...(cause ? { cause } : {}),
    });
  }

  private fromCatalog(request: QuoteRequest): CompiledModel {
    const catalog = this.catalog;
    if (!catalog) throw this.notFound(request);
    const t = this.callTime(request.at);
    if (Number.isNaN(t)) throw new RatecardError('invalid_time', `\`at\` must be an ISO-8601 time or a Date, got ${JSON.stringify(request.at)}`);
    const tier = request.service_tier ?? (typeof request.attributes?.service_tier === 'string' ? request.attributes.service_tier : undefined);
    const windowed = typeof catalog.resolveWindow === 'function';
    if (windowed) {
      const list = this.windows.get(request.model);
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++) {
          const w = list[i]!;
          if (w.provider === request.provider && w.tier === tier && t >= w.from && t < w.until) return w.model;
        }
      }
    }
    const lookup: ModelLookup = { model: request.model, at: new Date(t) };
    if (request.provider !== undefined) lookup.provider = request.provider;
    if (tier !== undefined) lookup.service_tier = tier;
    let resolved: ResolvedModelPrice;
    let from = 0;
    let until = 0;
    try {
      if (windowed) {
        const r = catalog.resolveWindow!(lookup);
        resolved = r.price;
        from = r.from;
        until = r.until;
      } else {
        resolved = catalog.resolve(lookup);
      }
    } catch (e) {
      if (e instanceof RatecardError && e.code === 'model_not_found') throw this.notFound(request, e);
      throw e;
    }
    if (resolved.currency !== this.currency) {
      throw new RatecardError('currency_mismatch', `the catalog prices \`${resolved.model}\` in ${resolved.currency}, but this ratecard bills in ${this.currency}`, { details: { model: resolved.model, currency: resolved.currency } });
    }
    const requested = request.model.toLowerCase();
    const key = `${resolved.price_version}\u0000${resolved.provider}\u0000${resolved.model}\u0000${requested}`;
    let model = this.catalogModels.get(key);
    if (!model) {
      const p = new Problems(undefined);
      model = compileModel(
        { id: resolved.model, provider: resolved.provider, rates: resolved.rates, ...(resolved.long_context ? { long_context: resolved.long_context } : {}) },
        { label: `catalog ${resolved.provider}/${resolved.model}`, priceVersion: resolved.price_version, rules: this.rules, file: this.file, problems: p, extraNames: [requested] },
      );
      if (p.hasErrors) throw new RatecardError('catalog_invalid', `catalog price ${resolved.price_version} is invalid: ${p.list.map((d) => d.message).join('; ')}`);
      if (this.catalogModels.size >= CATALOG_CACHE_LIMIT) this.catalogModels.clear();
      this.catalogModels.set(key, model);
    }
    if (windowed && t >= from && t < until) {
      if (this.windowCount >= CATALOG_CACHE_LIMIT) {
        this.windows.clear();
        this.windowCount = 0;
      }
      let list = this.windows.get(request.model);
      if (!list) this.windows.set(request.model, (list = []));
      // One window per (provider, tier): a newer time replaces it, so lists stay short (off-peak windows are daily).
      const entry: PriceWindow = { provider: request.provider, tier, from, until, model };
      const i = list.findIndex((w) => w.provider === request.provider && w.tier === tier);
      if (i >= 0) list[i] = entry;
      else {
        list.push(entry);
        this.windowCount++;
      }
    }
    return model;
  }

  /** Epoch ms of a request's `at` (now when absent); NaN when it is not a time. */
  private callTime(at: QuoteRequest['at']): number {
    if (at === undefined) return Date.now();
    if (at instanceof Date) return at.getTime();
    if (typeof at === 'string') {
      if (at === this.lastAt) return this.lastAtMs;
      const ms = new Date(at).getTime();
      this.lastAt = at;
      this.lastAtMs = ms;
      return ms;
    }
    return new Date(at as never).getTime();
  }
}

/** Every bucket a non-negative safe integer: what parseCanonicalUsage would return unchanged. */
function isValidCanonical(u: CanonicalUsage): boolean {
  return (
    isCount(u.input) && isCount(u.cache_read) && isCount(u.cache_read_audio) && isCount(u.cache_write_5m) && isCount(u.cache_write_1h) &&
    isCount(u.output) && isCount(u.reasoning) && isCount(u.input_audio) && isCount(u.output_audio) &&
    isCount(u.input_image) && isCount(u.output_image) && isCount(u.requests) && isCount(u.web_searches)
  );
}

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Check and compile a pricing document; throws a RatecardError listing every problem. */
export function compileRatecard(doc: PricingDocument, options: CompileOptions = {}): CompiledRatecard {
  return new CompiledRatecard(doc, options);
}
