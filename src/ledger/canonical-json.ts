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
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Dec) return JSON.stringify(formatDecimal(value));
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => {
          if (v === undefined) throw new TypeError(`canonicalJson: ${path}[${i}] is undefined`);
          return encode(v, `${path}[${i}]`);
        }).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(obj[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} has unsupported type ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An entry's own hash: SHA-256 over the previous hash followed by the canonical body. */
export function entryHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}
