/**
 * Exact conversion of the sources' float prices. The JSON text of a float (or JS's
 * shortest round-trip repr of it) is parsed as a decimal, then float noise is removed
 * deliberately: prices are human-entered values with a handful of significant digits,
 * so anything past SIGNIFICANT digits (3.0000000000000004e-06) is binary noise from an
 * upstream division and is rounded away (→ 0.000003).
 */
import { Dec, formatDecimal, type Decimal } from '../../money/index.js';

const SIGNIFICANT = 10;
const MILLION = new Dec(1_000_000);
const THOUSAND = new Dec(1_000);

/** A float (or numeric text, exponent allowed) → clean Decimal; undefined when not a finite number. */
export function cleanFloat(value: unknown): Decimal | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) {
    text = value.trim();
  } else return undefined;
  const d = new Dec(text);
  return d.isZero() ? d : d.toSignificantDigits(SIGNIFICANT, Dec.ROUND_HALF_EVEN);
}

/** Per-token float (LiteLLM) → decimal string per token. */
export function perToken(value: unknown): string | undefined {
  const d = cleanFloat(value);
  return d === undefined ? undefined : formatDecimal(d);
}

/** Price per 1M tokens (genai-prices, models.dev) → decimal string per token. */
export function perMillion(value: unknown): string | undefined {
  const d = cleanFloat(value);
  return d === undefined ? undefined : formatDecimal(d.div(MILLION));
}

/** Price per 1K units (genai-prices `*_kcount`) → decimal string per unit. */
export function perThousand(value: unknown): string | undefined {
  const d = cleanFloat(value);
  return d === undefined ? undefined : formatDecimal(d.div(THOUSAND));
}

/** Multiply a decimal string by a factor string, exactly. */
export function scale(rate: string, factor: string): string {
  return formatDecimal(new Dec(rate).times(new Dec(factor)));
}
