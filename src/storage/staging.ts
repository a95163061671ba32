/**
 * The in-process append transaction the memory and file adapters share: records are
 * staged (copied) until the callback returns, `head()` follows the staged tail, and a
 * chain or key conflict dooms the whole transaction even if the callback catches it.
 */
import { assertContinues, type AppendTx, type EntryRecord, type Head } from './types.js';

export interface StagedTx {
  tx: AppendTx;
  /** The records staged so far, in order. */
  staged: EntryRecord[];
  /** Throws the first conflict the callback saw, if any (call after the callback returns). */
  assertNoConflict(): void;
}

export function createStagedTx(
  committedHead: () => Head,
  committedHasKey: (key: string) => boolean,
  committedByKey: (key: string) => EntryRecord | undefined | Promise<EntryRecord | undefined>,
): StagedTx {
  const staged: EntryRecord[] = [];
  const stagedKeys = new Map<string, EntryRecord>();
  let conflict: unknown;
  const head = (): Head => {
    const last = staged[staged.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : { ...committedHead() };
  };
  const tx: AppendTx = {
    head,
    findByKeys: async (keys) => {
      const found = new Map<string, EntryRecord>();
      for (const k of keys) {
        const r = stagedKeys.get(k) ?? (await committedByKey(k));
        if (r) found.set(k, r);
      }
      return found;
    },
    append: (records) => {
      try {
        assertContinues(head(), records, (k) => committedHasKey(k) || stagedKeys.has(k));
      } catch (e) {
        conflict ??= e; // a conflict dooms the whole tx, even if the callback swallows it
        throw e;
      }
      for (const r of records) {
        const copy = { ...r };
        staged.push(copy);
        stagedKeys.set(copy.key, copy);
      }
    },
  };
  return {
    tx,
    staged,
    assertNoConflict: () => {
      if (conflict !== undefined) throw conflict;
    },
  };
}
