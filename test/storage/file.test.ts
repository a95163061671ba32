import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createFileStorage } from '../../src/storage/file/index.js';
import { crc32 } from '../../src/storage/file/frame.js';
import { describeStorageContract, makeRecord } from '../ledger/storage-contract.js';
import { describeStorageConformance } from './conformance.js';
import type { EntryRecord } from '../../src/storage/types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratecard-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
describeStorageContract('file', async () => createFileStorage(join(dir, `contract-${n++}.ledger`)));
describeStorageConformance('file', () => {
  const path = join(dir, `conformance-${n++}.ledger`);
  return () => createFileStorage(path);
});

async function writeLedger(path: string, count: number): Promise<EntryRecord[]> {
  const s = createFileStorage(path);
  await s.open();
  const out: EntryRecord[] = [];
  for (let i = 0; i < count; i++) {
    await s.appendWith((tx) => {
      const r = makeRecord(tx.head(), `key-${i}`, `{"i":${i},"note":"é\\n"}`);
      tx.append([r]);
      out.push(r);
    });
  }
  await s.close();
  return out;
}

describe('file storage', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('CRC-32 of any range equals the bitwise definition', () => {
    const reference = (bytes: Uint8Array): number => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buf = Buffer.from(bytes);
        const start = bytes.length ? a % (bytes.length + 1) : 0;
        const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
        expect(crc32(buf, start, end)).toBe(reference(buf.subarray(start, end)));
      }),
    );
  });

  it('persists across reopen, including meta', async () => {
    const path = join(dir, 'a.ledger');
    const written = await writeLedger(path, 10);
    const s = createFileStorage(path);
    const report = await s.open();
    expect(report.head.seq).toBe(10);
    expect(report.recovered).toBeUndefined();
    expect(await s.read(1, 100)).toEqual(written);
    expect(await s.getByKey('key-3')).toEqual(written[3]);
    await s.setMeta('cursor', '7');
    await s.close();
    const again = createFileStorage(path);
    await again.open();
    expect(await again.getMeta('cursor')).toBe('7');
    await again.close();
  });

  it('recovers from a torn last record at EVERY byte offset: keeps every earlier record, reports the truncation, stays writable', async () => {
    const path = join(dir, 'torn.ledger');
    const written = await writeLedger(path, 5);
    const full = readFileSync(path);
    const lastStart = full.lastIndexOf(0x0a, full.length - 2) + 1;
    for (let cut = lastStart; cut < full.length; cut++) {
      writeFileSync(path, full.subarray(0, cut));
      const s = createFileStorage(path);
      const report = await s.open();
      expect(report.head).toEqual({ seq: 4, hash: written[3]!.hash });
      if (cut > lastStart) expect(report.recovered).toMatchObject({ truncatedBytes: cut - lastStart });
      else expect(report.recovered).toBeUndefined();
      expect(statSync(path).size).toBe(lastStart);
      expect(await s.read(1, 10)).toEqual(written.slice(0, 4));
      // The ledger keeps working: the lost (unacknowledged) record can be appended again.
      await s.appendWith((tx) => tx.append([makeRecord(tx.head(), 'key-4', written[4]!.body)]));
      expect((await s.read(5, 1))[0]).toEqual(written[4]);
      await s.close();
    }
  });

  it('drops a last record with a flipped byte at every offset (checksum), never an earlier one', async () => {
    const path = join(dir, 'flip.ledger');
    const written = await writeLedger(path, 3);
    const full = readFileSync(path);
    const lastStart = full.lastIndexOf(0x0a, full.length - 2) + 1;
    for (let at = lastStart; at < full.length - 1; at++) {
      const copy = Buffer.from(full);
      copy[at] = copy[at]! ^ 0x01;
      writeFileSync(path, copy);
      const s = createFileStorage(path);
      const report = await s.open();
      expect(report.head.seq).toBe(2);
      expect(report.recovered?.truncatedBytes).toBe(full.length - lastStart);
      expect(await s.read(1, 10)).toEqual(written.slice(0, 2));
      await s.close();
    }
  });

  it('a damaged record in the middle: keeps the valid prefix, copies the original file aside instead of destroying it', async () => {
    const path = join(dir, 'mid.ledger');
    await writeLedger(path, 6);
    const full = readFileSync(path);
    const lines = full.toString('utf8').split('\n');
    lines[3] = lines[3]!.replace('\\"i\\":2', '\\"i\\":9'); // record 3 (line 0 is the header), CRC now wrong
    expect(lines.join('\n')).not.toBe(full.toString('utf8'));
    writeFileSync(path, lines.join('\n'));
    const s = createFileStorage(path);
    const report = await s.open();
    expect(report.head.seq).toBe(2);
    expect(report.recovered?.reason).toMatch(/copied to/);
    const aside = readdirSync(dir).find((f) => f.startsWith('mid.ledger.damaged-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside!)).length).toBe(full.length);
    await s.close();
  });

  it('repairs a file torn inside its header and refuses a file that is not a ledger', async () => {
    const path = join(dir, 'h.ledger');
    writeFileSync(path, 'RATECARD-LED');
    const s = createFileStorage(path);
    expect((await s.open()).head.seq).toBe(0);
    await s.appendWith((tx) => tx.append([makeRecord(tx.head(), 'a')]));
    await s.close();
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'hello world\n');
    await expect(createFileStorage(other).open()).rejects.toMatchObject({ code: 'storage_not_ledger' });
    expect(readFileSync(other, 'utf8')).toBe('hello world\n');
  });

  it('handles in one process share the ledger; the lock file is released by the last close', async () => {
    const path = join(dir, 'lock.ledger');
    const a = createFileStorage(path);
    const b = createFileStorage(path);
    await a.open();
    await b.open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendWith((tx) => tx.append([makeRecord(tx.head(), `s${i}`)]))));
    expect((await a.head()).seq).toBe(20);
    expect(await a.read(1, 50)).toEqual(await b.read(1, 50));
    await a.close();
    expect(existsSync(`${path}.lock`)).toBe(true);
    expect((await b.head()).seq).toBe(20);
    await expect(a.head()).rejects.toMatchObject({ code: 'storage_closed' });
    await b.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    // read-only handles need no lock and cannot append
    const ro = createFileStorage(path, { readOnly: true });
    await ro.open();
    await expect(ro.appendWith(() => undefined)).rejects.toMatchObject({ code: 'storage_read_only' });
    await ro.close();
  });

  it('a second writer PROCESS is refused while the first holds the lock, and gets in after it exits', async () => {
    const path = join(dir, 'proc.ledger');
    const script = join(dir, 'holder.mts');
    writeFileSync(script, `import { createFileStorage } from ${JSON.stringify(resolve('src/storage/file/index.ts'))};
const s = createFileStorage(${JSON.stringify(path)});
await s.open();
process.stdout.write('locked');
process.stdin.once('data', async () => { await s.close(); process.exit(0); });
`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ok());
      child.once('exit', (code) => fail(new Error(`holder exited early (${code})`)));
    });
    try {
      await expect(createFileStorage(path).open()).rejects.toMatchObject({ code: 'storage_locked', message: expect.stringContaining(String(child.pid)) });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.write('x');
      await exited;
    }
    const s = createFileStorage(path);
    await s.open();
    await s.close();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const path = join(dir, 'stale.ledger');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const { hostname } = await import('node:os');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: '2020-01-01T00:00:00Z' }));
    const s = createFileStorage(path);
    await s.open();
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    await s.close();
  });

  it('refuses a lock held by a live process on this host', async () => {
    const path = join(dir, 'live.ledger');
    const { hostname } = await import('node:os');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since: '2020-01-01T00:00:00Z' }));
    await expect(createFileStorage(path).open()).rejects.toMatchObject({ code: 'storage_locked', message: expect.stringContaining(String(process.ppid)) });
  });

  it('group commit: many concurrent appends share few fsyncs, and all are durable on resolve', async () => {
    const path = join(dir, 'group.ledger');
    const s = createFileStorage(path);
    await s.open();
    await Promise.all(Array.from({ length: 500 }, (_, i) => s.appendWith((tx) => tx.append([makeRecord(tx.head(), `g${i}`)]))));
    expect(s.stats.records).toBe(500);
    expect(s.stats.syncs).toBeGreaterThan(0);
    expect(s.stats.syncs).toBeLessThan(100);
    await s.close();
    const again = createFileStorage(path);
    expect((await again.open()).head.seq).toBe(500);
    await again.close();
  });

  it('truncation keeps a file that only lost its trailing newline consistent', async () => {
    const path = join(dir, 'nl.ledger');
    await writeLedger(path, 2);
    truncateSync(path, statSync(path).size - 1);
    const s = createFileStorage(path);
    const report = await s.open();
    expect(report.head.seq).toBe(1);
    expect(report.recovered?.droppedRecords).toBe(1);
    await s.close();
  });
});
