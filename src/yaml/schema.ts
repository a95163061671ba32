/**
 * JSON Schema validation of a pricing file's JSON view, with ajv's errors turned into
 * plain messages, stable codes and source positions.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../schemas/pricing.schema.json' with { type: 'json' };
import type { Diagnostic, SourceSpan } from '../errors/index.js';
import { Dec, formatDecimal } from '../money/index.js';
import { didYouMean } from '../util/suggest.js';
import { ATTRIBUTES } from '../pricing/check.js';
import { pointer, type JsonView, type Located } from './view.js';

export const PRICING_SCHEMA: object = schema;

type AjvClass = typeof Ajv2020Module.default;
// ajv is CommonJS: under Node's ESM the default import is module.exports, the class itself.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

let compiled: ValidateFunction | undefined;

/** The compiled schema (compiled once, on first use, in ajv strict mode). */
export function pricingValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, verbose: true }).compile(schema);
  return compiled;
}

export interface SchemaResult {
  diagnostics: Diagnostic[];
  /** Source regions (entry key through value) the schema found broken; later checks stay quiet there. */
  damaged: SourceSpan[];
}

/** Validate `view`; every problem becomes a Diagnostic placed at the offending node. */
export function validateView(view: JsonView, locations: Map<string, Located>, file?: string): SchemaResult {
  const validate = pricingValidator();
  if (validate(view)) return { diagnostics: [], damaged: [] };
  const out: Diagnostic[] = [];
  const damaged: SourceSpan[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    if (e.schemaPath.includes('/oneOf/')) continue; // the branches of a oneOf: reported once, below
    const t = translate(e);
    if (!t) continue;
    const where = locations.get(t.at) ?? locations.get(e.instancePath);
    const region = locations.get(e.keyword === 'additionalProperties' ? t.at : e.instancePath);
    if (region) damaged.push(region.key ? { start: region.key.start, end: region.value.end } : region.value);
    const span = t.onKey ? (where?.key ?? where?.value) : where?.value;
    const key = `${t.code}|${t.at}|${t.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d: Diagnostic = { code: t.code, message: t.message, severity: 'error' };
    if (file !== undefined) d.file = file;
    if (span) d.span = span;
    if (t.hint) d.hint = t.hint;
    out.push(d);
  }
  return { diagnostics: out, damaged };
}

interface Translated {
  code: string;
  message: string;
  hint?: string | undefined;
  /** Pointer of the node to place the diagnostic at. */
  at: string;
  /** Place it on the mapping key rather than the value. */
  onKey?: boolean;
}

/** `/pricing/gpt-4o/per_token` → `pricing.gpt-4o.per_token`; `/rules/0` → `rules[0]`. */
export function describePath(ptr: string): string {
  if (ptr === '') return 'the file';
  let out = '';
  for (const raw of ptr.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return `\`${out}\``;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'boolean') return String(v);
  return `\`${String(v)}\``;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'nothing',
};

// ajv compiles referenced definitions separately (their error paths then start at `#`),
// so a definition is recognised by the identity of the schema object that failed.
const DEF_NAMES = new Map<unknown, string>(Object.entries(schema.$defs).map(([name, def]) => [def, name]));

function defName(e: ErrorObject): string | undefined {
  return DEF_NAMES.get(e.parentSchema) ?? /#\/\$defs\/([^/]+)\/[^/]+$/.exec(e.schemaPath)?.[1];
}

/** Exponent notation the user wrote (1e-6) as the plain decimal they should write. */
function plainForm(text: string): string | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) return undefined;
  return formatDecimal(new Dec(text));
}

function translate(e: ErrorObject): Translated | undefined {
  const at = e.instancePath;
  const where = describePath(at);
  const def = defName(e);
  const data = e.data;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const custom = e.parentSchema?.patternProperties !== undefined;
      const hint = didYouMean(name, known) ?? (custom ? `custom attributes are written \`custom.${name}\`` : known.length ? `known fields: ${known.join(', ')}` : undefined);
      return { code: 'unknown_field', message: `unknown field \`${name}\` in ${where}`, hint, at: pointer(at, name), onKey: true };
    }
    case 'required':
      return { code: 'missing_field', message: `${where} is missing \`${String(e.params.missingProperty)}\``, at, onKey: true };
    case 'oneOf': {
      const keys = ((e.parentSchema?.oneOf as { required?: string[] }[] | undefined) ?? []).flatMap((b) => b.required ?? []);
      const present = keys.filter((k) => data !== null && typeof data === 'object' && k in (data as object));
      const list = keys.map((k) => `\`${k}\``).join(keys.length > 2 ? ', ' : ' or ').replace(/, (`[^`]+`)$/, ' or $1');
      if (present.length === 0) return { code: 'missing_field', message: `${where} needs one of ${list}`, at, onKey: true };
      return {
        code: 'conflicting_fields', message: `${where} has ${present.map((k) => `\`${k}\``).join(' and ')}; give only one of ${list}`,
        at: pointer(at, present[1]!), onKey: true,
      };
    }
    case 'type': {
      const types = String(e.params.type).split(',').map((t) => TYPE_NAMES[t] ?? t);
      const uniq = [...new Set(types)];
      return { code: 'invalid_type', message: `${where} must be ${uniq.join(' or ')}, got ${describeValue(data)}`, at };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const code = def === 'period' ? 'unknown_period' : def === 'meter' ? 'unknown_meter' : at === '/rounding' ? 'unknown_rounding_mode' : 'invalid_value';
      const hint = (typeof data === 'string' ? didYouMean(data, allowed) : undefined) ?? `use one of ${allowed.join(', ')}`;
      return { code, message: `${where}: ${describeValue(data)} is not allowed`, hint, at };
    }
    case 'pattern':
      return patternError(def, String(data), where, at);
    case 'minItems':
    case 'minLength':
      return { code: 'invalid_value', message: `${where} must not be empty`, at };
    case 'minProperties':
    case 'maxProperties':
      return def === 'conditionValue'
        ? { code: 'invalid_value', message: `${where} must use exactly one of \`eq\`, \`ne\`, \`in\`, \`not_in\``, at }
        : { code: 'invalid_value', message: `${where} must name exactly one meter`, hint: 'e.g. `includes: { tokens: 100M }`', at };
    default:
      return { code: 'invalid_value', message: `${where} ${e.message ?? 'is invalid'}`, at };
  }
}

function patternError(def: string | undefined, text: string, where: string, at: string): Translated {
  const plain = plainForm(text.trim());
  const exponent = plain !== undefined ? `write \`${plain}\` (exponent notation is not accepted, so decimals stay exact)` : undefined;
  switch (def) {
    case 'rate':
      return /\bper\b/i.test(text)
        ? { code: 'invalid_rate', message: `${where}: \`${text}\` is not a rate`, hint: 'write a price per token (0.0000025) or per 1M / per 1K tokens (`2.50 per 1M`)', at }
        : { code: 'invalid_decimal', message: `${where}: \`${text}\` is not a plain decimal`, hint: exponent ?? 'write a price per token (0.0000025) or per 1M tokens (`2.50 per 1M`)', at };
    case 'quantity':
      return { code: 'invalid_quantity', message: `${where}: \`${text}\` is not a whole quantity`, hint: 'write a whole number, optionally with K, M or B (200K, 1.5M)', at };
    case 'markup':
      return { code: 'invalid_value', message: `${where}: \`${text}\` is not a markup`, hint: 'write a multiplier (1.2) or a percent (20%)', at };
    case 'discount':
      return { code: 'invalid_value', message: `${where}: \`${text}\` is not a discount`, hint: 'write a percent (`50%`) or an amount off per call (`{ fixed: 0.50 }`)', at };
    case 'attribute': {
      return { code: 'unknown_attribute', message: `${where}: unknown attribute \`${text}\``, hint: didYouMean(text, ATTRIBUTES) ?? `use ${ATTRIBUTES.join(', ')} or custom.<name>`, at };
    }
    default:
      return { code: 'invalid_decimal', message: `${where}: \`${text}\` is not a plain decimal`, hint: exponent ?? 'write digits with an optional fraction, e.g. 12.50', at };
  }
}
