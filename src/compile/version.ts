/**
 * The ratecard version: SHA-256 of a canonical JSON of the document (keys sorted, spans and
 * undefined fields dropped, arrays in order), so re-formatting the file or converting it
 * between YAML and the DSL keeps the version, and any change of meaning changes it.
 */
import { createHash } from 'node:crypto';
import type { PricingDocument } from '../pricing/document.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value as object)
    .filter((k) => k !== 'span' && (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function documentVersion(doc: PricingDocument): string {
  return `sha256:${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
}
