/** Open a ledger from a storage URL (memory:, file:, sqlite:, postgres://). */
import { openStorage } from '../storage/open-url.js';
import { createLedger, type Ledger, type LedgerOptions } from './ledger.js';

export interface OpenLedgerOptions extends Omit<LedgerOptions, 'storage'> {
  cwd?: string;
  /** File ledgers: read without taking the writer lock (verify and invoice beside a running writer). */
  readOnly?: boolean;
}

export async function openLedger(url: string, options: OpenLedgerOptions = {}): Promise<Ledger> {
  const { cwd, readOnly, ...rest } = options;
  const storage = await openStorage(url, { ...(cwd !== undefined ? { cwd } : {}), ...(readOnly ? { readOnly } : {}) });
  const ledger = createLedger({ ...rest, storage });
  await ledger.open();
  return ledger;
}
