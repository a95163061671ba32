/** ISO 4217 minor units for the currencies billing systems commonly use; others default to 2. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SGD: 2, HKD: 2, CNY: 2, INR: 2,
  BRL: 2, MXN: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, ZAR: 2, ILS: 2, AED: 2, SAR: 2, TRY: 2,
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2, TWD: 2,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
};

const CURRENCY_RE = /^[A-Z]{3}$/;

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_RE.test(value);
}

/** Number of fraction digits of the currency's minor unit (2 for USD cents, 0 for JPY). */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}
