/**
 * Open-time scan of a ledger file: index every valid record and find where the valid
 * prefix ends. The first damaged line (torn write, bad CRC, broken chain) ends the valid
 * prefix: everything after it was never acknowledged (acknowledged records were fsynced
 * before any later byte was written), so recovery truncates there.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { GENESIS_HASH, type EntryRecord } from '../types.js';
import { decodeRecord, HEADER } from './frame.js';

export interface ScanResult {
  /** Byte offset just past the last valid record (at least the header length when a header exists). */
  validEnd: number;
  fileSize: number;
  /** 'ok' | 'empty' (no or torn header) | 'not_ledger'. */
  header: 'ok' | 'empty' | 'not_ledger';
  offsets: number[];
  keys: Map<string, number>;
  head: { seq: number; hash: string };
  /** Why the valid prefix ended before the end of the file. */
  damage?: string;
  /** Whether any complete (newline-terminated) line lies after the damage: then it is more than a torn tail. */
  linesAfterDamage: number;
}

const CHUNK = 8 << 20;

export function scanLedgerFile(path: string, onRecord?: (r: EntryRecord) => void): ScanResult {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const headerBuf = Buffer.alloc(Math.min(HEADER.length, fileSize));
    readSync(fd, headerBuf, 0, headerBuf.length, 0);
    const headerText = headerBuf.toString('latin1');
    const base = { fileSize, offsets: [] as number[], keys: new Map<string, number>(), head: { seq: 0, hash: GENESIS_HASH }, linesAfterDamage: 0 };
    if (headerText !== HEADER) {
      return HEADER.startsWith(headerText) ? { ...base, validEnd: 0, header: 'empty' } : { ...base, validEnd: 0, header: 'not_ledger' };
    }
    const result: ScanResult = { ...base, validEnd: HEADER.length, header: 'ok' };
    let pos = HEADER.length;
    let carry = Buffer.alloc(0);
    let carryStart = pos;
    let damaged = false;
    while (pos < fileSize) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, fileSize - pos));
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      pos += n;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let lineStart = 0;
      let nl: number;
      while ((nl = buf.indexOf(0x0a, lineStart)) >= 0) {
        if (damaged) {
          result.linesAfterDamage++;
        } else {
          const r = decodeRecord(buf, lineStart, nl);
          const problem = checkNext(result, r);
          if (problem) {
            result.damage = `${problem} at byte ${carryStart + lineStart}`;
            damaged = true;
          } else {
            result.offsets.push(carryStart + lineStart);
            result.keys.set(r!.key, r!.seq);
            result.head = { seq: r!.seq, hash: r!.hash };
            result.validEnd = carryStart + nl + 1;
            onRecord?.(r!);
          }
        }
        lineStart = nl + 1;
      }
      carry = buf.subarray(lineStart);
      carryStart += lineStart;
      if (n === 0) break;
    }
    if (!damaged && result.validEnd < fileSize) result.damage = `incomplete last record at byte ${result.validEnd}`;
    return result;
  } finally {
    closeSync(fd);
  }
}

function checkNext(s: ScanResult, r: EntryRecord | undefined): string | undefined {
  if (!r) return 'damaged record (checksum or format)';
  if (r.seq !== s.head.seq + 1) return `seq ${r.seq} does not follow ${s.head.seq}`;
  if (r.prev_hash !== s.head.hash) return `seq ${r.seq} does not chain to seq ${s.head.seq}`;
  if (s.keys.has(r.key)) return `duplicate key at seq ${r.seq}`;
  return undefined;
}
