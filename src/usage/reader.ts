/**
 * Reading raw provider usage objects: typed field access that records every problem
 * (bad counts, missing required fields, inconsistent arithmetic) with the field's path,
 * then throws one RatecardError listing all of them.
 */
import { RatecardError } from '../errors/index.js';
import type { UsageShape } from './shape.js';

export type Rec = Record<string, unknown>;

/** A count read from a field, with the path used in messages (`prompt_tokens_details.cached_tokens`). */
export interface Field {
  path: string;
  value: number;
}

export const isRecord = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

export function describeKeys(v: Rec): string {
  const keys = Object.keys(v);
  return keys.length === 0 ? '(none)' : keys.map((k) => `\`${k}\``).join(', ');
}

export function usageMissing(reason: string): RatecardError {
  return new RatecardError(
    'usage_missing',
    `${reason}: record the call as incomplete (it must never be priced as 0)`,
  );
}

type Phase = 'usage_invalid_count' | 'usage_missing_field' | 'usage_inconsistent';

export class UsageReader {
  private readonly problems: { code: Phase; message: string; fields: string[] }[] = [];

  constructor(readonly shape: UsageShape) {}

  /** An optional count: null/undefined → undefined; anything but a non-negative safe integer is a problem. */
  count(obj: Rec | undefined, key: string, path = key, ...aliases: string[]): Field | undefined {
    if (!obj) return undefined;
    let raw = obj[key];
    let used = path;
    for (const alias of aliases) {
      if (raw !== undefined && raw !== null) break;
      raw = obj[alias];
      used = path.slice(0, path.length - key.length) + alias;
    }
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return { path: used, value: raw };
    this.problems.push({
      code: 'usage_invalid_count',
      message: `\`${used}\` must be a non-negative integer, got ${JSON.stringify(raw)}`,
      fields: [used],
    });
    return undefined;
  }

  /** A required count: absent is a problem (reported), read as 0 so checking can go on. */
  required(obj: Rec, key: string, path = key, ...aliases: string[]): Field {
    const f = this.count(obj, key, path, ...aliases);
    if (f) return f;
    const present = [key, ...aliases].some((k) => obj[k] !== undefined && obj[k] !== null);
    if (!present) {
      this.problems.push({ code: 'usage_missing_field', message: `${this.shape} usage has no \`${path}\``, fields: [path] });
    }
    return { path, value: 0 };
  }

  /** An optional nested object. */
  object(obj: Rec | undefined, key: string, path = key, ...aliases: string[]): Rec | undefined {
    if (!obj) return undefined;
    let raw = obj[key];
    for (const alias of aliases) if (raw === undefined || raw === null) raw = obj[alias];
    if (raw === undefined || raw === null) return undefined;
    if (isRecord(raw)) return raw;
    this.problems.push({ code: 'usage_invalid_count', message: `\`${path}\` must be an object, got ${JSON.stringify(raw)}`, fields: [path] });
    return undefined;
  }

  /** An optional array (Gemini modality details, Bedrock cacheDetails). */
  array(obj: Rec | undefined, key: string, path = key, ...aliases: string[]): unknown[] | undefined {
    if (!obj) return undefined;
    let raw = obj[key];
    for (const alias of aliases) if (raw === undefined || raw === null) raw = obj[alias];
    if (raw === undefined || raw === null) return undefined;
    if (Array.isArray(raw)) return raw;
    this.problems.push({ code: 'usage_invalid_count', message: `\`${path}\` must be an array, got ${JSON.stringify(raw)}`, fields: [path] });
    return undefined;
  }

  /** Record an inconsistency between fields. */
  inconsistent(message: string, fields: string[]): void {
    this.problems.push({ code: 'usage_inconsistent', message, fields });
  }

  /** Record an invalid value found by a normalizer itself (e.g. an unknown cache TTL). */
  invalid(message: string, field: string): void {
    this.problems.push({ code: 'usage_invalid_count', message, fields: [field] });
  }

  /**
   * `total − Σ parts`, the tokens left for the remaining bucket. A negative leftover is
   * the classic double-count: recorded as usage_inconsistent naming every field, read as 0.
   */
  leftover(total: Field, parts: readonly (Field | undefined)[]): number {
    const present = parts.filter((p): p is Field => p !== undefined && p.value > 0);
    const rest = present.reduce((n, p) => n - p.value, total.value);
    if (rest < 0) {
      const sum = present.map((p) => `\`${p.path}\` (${p.value})`).join(' + ');
      this.inconsistent(`${sum} exceed${present.length === 1 ? 's' : ''} \`${total.path}\` (${total.value})`, [
        total.path,
        ...present.map((p) => p.path),
      ]);
      return 0;
    }
    return rest;
  }

  /** A provider-sent total must equal the sum of its parts. */
  checkTotal(total: Field | undefined, parts: readonly (Field | undefined)[]): void {
    if (!total) return;
    const present = parts.filter((p): p is Field => p !== undefined);
    const sum = present.reduce((n, p) => n + p.value, 0);
    if (sum !== total.value) {
      this.inconsistent(
        `\`${total.path}\` (${total.value}) ≠ ${present.map((p) => `\`${p.path}\``).join(' + ')} (${sum})`,
        [total.path, ...present.map((p) => p.path)],
      );
    }
  }

  /** True when reading found bad or missing fields (arithmetic on them would mislead). */
  get hasReadProblems(): boolean {
    return this.problems.some((p) => p.code !== 'usage_inconsistent');
  }

  /**
   * Throw every recorded problem at once; the code is shared when all problems share it.
   * Bad or missing fields hide the arithmetic checks, which would only echo them
   * ("cached_tokens exceeds prompt_tokens (0)" when prompt_tokens is absent).
   */
  finish(): void {
    if (this.problems.length === 0) return;
    const shown = this.hasReadProblems ? this.problems.filter((p) => p.code !== 'usage_inconsistent') : this.problems;
    const codes = new Set(shown.map((p) => p.code));
    const code = codes.size === 1 ? [...codes][0]! : 'usage_invalid';
    const list = shown.map((p) => p.message);
    const fields = [...new Set(shown.flatMap((p) => p.fields))];
    throw new RatecardError(code, `${this.shape} usage: ${list.join('; ')}`, {
      details: { shape: this.shape, problems: list, fields },
    });
  }
}

/** Sum of the fields present (a synthetic Field for messages). */
export function sumFields(path: string, fields: readonly (Field | undefined)[]): Field | undefined {
  const present = fields.filter((f): f is Field => f !== undefined);
  if (present.length === 0) return undefined;
  return { path, value: present.reduce((n, f) => n + f.value, 0) };
}

export const val = (f: Field | undefined): number => f?.value ?? 0;
