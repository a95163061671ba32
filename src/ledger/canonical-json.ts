/**
 * Canonical JSON: the one encoding that ledger hashes are computed over.
 *
 * - object keys sorted by UTF-16 code units (JS default sort), at every depth;
 * - `undefined` object members are dropped (as JSON.stringify does), `undefined` in
 *   arrays is an error (it would silently become null);
 * - numbers must be finite; ECMAScript's Number→string is fully specified, so the text
 *   is the same on every engine. Money never reaches this as a number: the ledger keeps
 *   money as decimal strings, and Decimal instances are written as plain decimal strings;
 * - bigint is written as a decimal string (JSON has no bigint).
 */
import { createHash } from 'node:crypto';
import { Dec, formatDecimal } from '../money/index.js';

export function canonicalJson(value: unknown): string {
  try {
    return encode(value);
  } catch (e) {
    if (e instanceof PathError) throw new TypeError(`canonicalJson: $${e.path.reverse().join('')} ${e.problem}`);
    throw e;
  }
}

/** Carries the failing member's path outward, so the hot path never builds path strings. */
class PathError extends Error {
  readonly path: string[] = [];
  constructor(readonly problem: string) {
    super(problem);
  }
}

function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new PathError('is not a finite number');
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Dec) return JSON.stringify(formatDecimal(value));
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          try {
            if (value[i] === undefined) throw new PathError('is undefined');
            out += (i > 0 ? ',' : '') + encode(value[i]);
          } catch (e) {
            if (e instanceof PathError) e.path.push(`[${i}]`);
            throw e;
          }
        }
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        try {
          out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + encode(v);
        } catch (e) {
          if (e instanceof PathError) e.path.push(`.${k}`);
          throw e;
        }
      }
      return out + '}';
    }
    default:
      throw new PathError(`has unsupported type ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An entry's own hash: SHA-256 over the previous hash followed by the canonical body. */
export function entryHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}
