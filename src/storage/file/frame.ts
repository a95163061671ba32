/**
 * On-disk framing of the file adapter. One record per line:
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON array>\n
 *
 * JSON escapes every newline inside strings, so a line boundary is always a record
 * boundary; the CRC catches torn and corrupt lines. The file starts with a header line.
 */
import type { EntryRecord } from '../types.js';

export const HEADER = 'RATECARD-LEDGER 1\n';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zlib computes it. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
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
