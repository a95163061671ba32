/**
 * On-disk framing of the file adapter. One record per line:
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON array>\n
 *
 * JSON escapes every newline inside strings, so a line boundary is always a record
 * boundary; the CRC catches torn and corrupt lines. The file starts with a header line.
 */
import * as zlib from 'node:zlib';
import type { EntryRecord } from '../types.js';

export const HEADER = 'RATECARD-LEDGER 1\n';

// zlib's own CRC-32 (Node ≥ 20.15; the package needs ≥ 20.19): twice the speed of the table
// loop this replaced, which was half of the time it took to open a file ledger.
const zlibCrc32 = (zlib as unknown as { crc32: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE 802.3), as zlib computes it. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return zlibCrc32(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
}

export function encodeRecord(r: EntryRecord): Buffer {
  const json = Buffer.from(JSON.stringify([r.seq, r.key, r.type, r.at, r.payload_hash, r.prev_hash, r.hash, r.body]), 'utf8');
  const out = Buffer.allocUnsafe(json.length + 10);
  out.write(crc32(json).toString(16).padStart(8, '0'), 0, 'latin1');
  out[8] = 0x20;
  json.copy(out, 9);
  out[json.length + 9] = 0x0a;
  return out;
}

/**
 * Decode one line (without its newline) from `buf[start, end)`. Returns undefined for any
 * damage: bad CRC, bad JSON, wrong shape.
 */
export function decodeRecord(buf: Buffer, start: number, end: number): EntryRecord | undefined {
  if (end - start < 10 || buf[start + 8] !== 0x20) return undefined;
  const crcText = buf.toString('latin1', start, start + 8);
  if (!/^[0-9a-f]{8}$/.test(crcText)) return undefined;
  if (parseInt(crcText, 16) !== crc32(buf, start + 9, end)) return undefined;
  let arr: unknown;
  try {
    arr = JSON.parse(buf.toString('utf8', start + 9, end));
  } catch {
    return undefined;
  }
  if (!Array.isArray(arr) || arr.length !== 8 || !Number.isSafeInteger(arr[0]) || !arr.slice(1).every((x) => typeof x === 'string')) return undefined;
  const [seq, key, type, at, payload_hash, prev_hash, hash, body] = arr as [number, ...string[]];
  return { seq, key: key!, type: type!, at: at!, payload_hash: payload_hash!, prev_hash: prev_hash!, hash: hash!, body: body! };
}
