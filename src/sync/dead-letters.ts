/**
 * Dead letters, persisted in the storage's meta beside the ledger (one JSON list per
 * outbox). Written BEFORE the cursor moves past the entries, so a crash never loses the
 * record of a refusal. Rare by design (a 4xx that retrying cannot fix), so a list is fine.
 */
import type { LedgerStorage } from '../storage/types.js';
import type { DeadLetter } from './types.js';

export class DeadLetterStore {
  private readonly meta: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: LedgerStorage, outboxName: string) {
    this.meta = `sync:${outboxName}:dead`;
  }

  async list(): Promise<DeadLetter[]> {
    const text = await this.storage.getMeta(this.meta);
    return text ? (JSON.parse(text) as DeadLetter[]) : [];
  }

  /** Append letters (serialized: concurrent batches must not overwrite each other's). */
  add(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    const run = this.chain.then(async () => {
      const all = await this.list();
      const seen = new Set(all.map((d) => `${d.seq}\u0000${d.id}`));
      for (const d of letters) if (!seen.has(`${d.seq}\u0000${d.id}`)) all.push(d);
      all.sort((a, b) => a.seq - b.seq);
      await this.storage.setMeta(this.meta, JSON.stringify(all));
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Remove letters by id (after fixing and re-sending them by other means); returns how many went. */
  remove(ids: readonly string[]): Promise<number> {
    const run = this.chain.then(async () => {
      const drop = new Set(ids);
      const all = await this.list();
      const kept = all.filter((d) => !drop.has(d.id));
      await this.storage.setMeta(this.meta, JSON.stringify(kept));
      return all.length - kept.length;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
