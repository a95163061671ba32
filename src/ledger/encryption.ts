/**
 * Encryption at rest of attribution and metadata (AES-256-GCM, node:crypto). The key
 * belongs to the application. The ciphertext is part of the entry body, so the hash
 * chain covers it and `verify` checks the chain without the key. With encryption on,
 * payload hashes are HMACs under a key derived from the same key, so a stored hash does
 * not reveal low-entropy attributes (a customer id) by dictionary search.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { RatecardError } from '../errors/index.js';

export interface EncryptionOptions {
  /** 32 bytes: a Buffer/Uint8Array, or 64 hex digits, or base64. */
  key: Uint8Array | string;
  /** Stored with each ciphertext so keys can be rotated later. */
  keyId?: string;
}

export interface Sealed { alg: 'A256GCM'; kid?: string; iv: string; tag: string; ct: string }

export interface Cipher {
  seal(plain: string): Sealed;
  open(sealed: Sealed): string;
  payloadHash(canonicalPayload: string): string;
  /**
   * A deterministic keyed digest (HMAC-SHA256 under its own derived key, 32 hex digits) for
   * record keys that must stay unique across processes without naming a customer.
   */
  keyDigest(text: string): string;
}

function keyBytes(key: Uint8Array | string): Buffer {
  const buf = typeof key === 'string' ? (/^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64')) : Buffer.from(key);
  if (buf.length !== 32) throw new RatecardError('encryption_key_invalid', `the encryption key must be 32 bytes (AES-256), got ${buf.length}`);
  return buf;
}

export function createCipher(options: EncryptionOptions): Cipher {
  const key = keyBytes(options.key);
  const macKey = createHmac('sha256', key).update('ratecard payload hash v1').digest();
  // A distinct label: a key digest never equals a payload hash of the same text.
  const digestKey = createHmac('sha256', key).update('ratecard key digest v1').digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return { alg: 'A256GCM', ...(options.keyId ? { kid: options.keyId } : {}), iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ct: ct.toString('base64') };
    },
    open(sealed) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([d.update(Buffer.from(sealed.ct, 'base64')), d.final()]).toString('utf8');
      } catch {
        throw new RatecardError('encryption_key_mismatch', `cannot decrypt ledger data${sealed.kid ? ` (key id ${sealed.kid})` : ''}: wrong key or tampered ciphertext`);
      }
    },
    payloadHash(canonicalPayload) {
      return 'hmac:' + createHmac('sha256', macKey).update(canonicalPayload, 'utf8').digest('hex');
    },
    keyDigest(text) {
      // 128 bits: collisions (two values sharing one alert key) are out of reach; keys stay short.
      return createHmac('sha256', digestKey).update(text, 'utf8').digest('hex').slice(0, 32);
    },
  };
}
