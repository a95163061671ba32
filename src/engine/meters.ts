/** What each meter counts, as positions in KIND_ORDER (a bit mask, so overlap checks are one `&`). */
import type { Meter } from '../pricing/document.js';
import { OUTPUT_KINDS, PROMPT_KINDS, TOKEN_KINDS, type CanonicalUsage, type UsageKind } from '../usage/canonical.js';
import { KIND_ORDER as KIND_ORDER_IMPORT } from './rates.js';

const KIND_ORDER = KIND_ORDER_IMPORT; // local copy: see quote.ts

export const METERS: readonly Meter[] = [...TOKEN_KINDS, 'tokens', 'input_tokens', 'output_tokens', 'requests', 'web_searches'];

export function isMeter(value: unknown): value is Meter {
  return typeof value === 'string' && (METERS as readonly string[]).includes(value);
}

/** The usage kinds a meter counts. */
export function meterKinds(meter: Meter): readonly UsageKind[] {
  switch (meter) {
    case 'tokens': return TOKEN_KINDS;
    case 'input_tokens': return PROMPT_KINDS;
    case 'output_tokens': return OUTPUT_KINDS;
    default: return [meter];
  }
}

/** Bit i set ⇔ KIND_ORDER[i] is counted by the meter. */
export function meterMask(meter: Meter): number {
  let mask = 0;
  for (const k of meterKinds(meter)) mask |= 1 << KIND_ORDER.indexOf(k);
  return mask;
}

/** Quantity of one call on a meter. */
export function meterQuantity(usage: CanonicalUsage, mask: number): number {
  let n = 0;
  for (let i = 0; i < KIND_ORDER.length; i++) if (mask & (1 << i)) n += usage[KIND_ORDER[i]!];
  return n;
}
