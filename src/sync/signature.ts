/**
 * Optional HMAC-SHA256 request signatures: the header carries the unix timestamp and the
 * hex signature over `${timestamp}.${body}`, so a receiver can reject replays older than
 * its tolerance and any body changed in transit. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-ratecard-signature';

export interface SigningOptions {
  secret: string;
  /** Header name. Default `x-ratecard-signature`. */
  header?: string;
}

/** `t=<unix seconds>,v1=<hex hmac-sha256 of "t.body">`. */
export function signBody(body: string | Uint8Array, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Check a signature header against the body; false when malformed, stale (tolerance seconds) or wrong. */
export function verifySignature(body: string, header: string | undefined, secret: string, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isSafeInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
