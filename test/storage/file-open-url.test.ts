import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStorage } from '../../src/storage/open-url.js';
import { openLedger } from '../../src/ledger/open.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratecard-url-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openStorage(url)', () => {
  it('opens memory:, relative and absolute file: URLs', async () => {
    expect((await openStorage('memory:')).kind).toBe('memory');
    const rel = await openStorage('file:./a.ledger', { cwd: dir });
    await rel.open();
    await rel.close();
    expect(existsSync(join(dir, 'a.ledger'))).toBe(true);
    const abs = await openStorage(pathToFileURL(join(dir, 'b.ledger')).href);
    await abs.open();
    await abs.close();
    expect(existsSync(join(dir, 'b.ledger'))).toBe(true);
  });

  it('loads the SQLite adapter only when asked, by dynamic import', async () => {
    const s = await openStorage('sqlite:./c.db', { cwd: dir });
    expect(s.kind).toBe('sqlite');
    await s.open();
    await s.close();
    expect(existsSync(join(dir, 'c.db'))).toBe(true);
  });

  it('rejects unknown schemes with a hint, and missing paths', async () => {
    await expect(openStorage('sqlit:./x.db')).rejects.toMatchObject({ code: 'storage_url_invalid', message: expect.stringMatching(/did you mean `sqlite`/) });
    await expect(openStorage('./usage.ledger')).rejects.toMatchObject({ code: 'storage_url_invalid' });
    await expect(openStorage('file:')).rejects.toMatchObject({ code: 'storage_url_invalid' });
  });

  it('openLedger records through a URL', async () => {
    const l = await openLedger('file:./l.ledger', { cwd: dir });
    const e = await l.record({ id: 'x', at: '2025-10-02T00:00:00Z', provider: 'openai', model: 'gpt-4o', usage: { input: 10 } });
    expect(e.seq).toBe(1);
    await l.close();
  });
});
