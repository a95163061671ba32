/**
 * Checkpoints of state derived from the log (the ledger's aggregates, the budgets' spend):
 * the state as it stood after entry `seq`, saved in the storage meta so that a process that
 * starts replays only the entries after it instead of the whole history (a replay costs tens
 * of µs per entry: minutes for a ledger of millions).
 *
 * A checkpoint is a cache, never a source of truth: it is used only when it names an entry
 * that is still in the ledger with the same hash (so it describes a prefix of this very
 * chain) and its owner accepts its state (kept for the same attributes, the same budgets);
 * anything else — absent, unreadable, from another version, a truncated or replaced ledger —
 * means a full replay. With encryption the checkpoint (which names attribute values, e.g.
 * customers) is sealed like attribution.
 */
import { RatecardError } from '../errors/index.js';
import type { LedgerStorage } from '../storage/types.js';
import { sha256Hex } from './canonical-json.js';
import type { Cipher, Sealed } from './encryption.js';

const VERSION = 1;

interface CheckpointBody {
  v: number;
  seq: number;
  hash: string;
  state: unknown;
}

/** The `checkpointEvery` option: a positive integer (default 50000), or undefined for `false` (checkpoints off). */
export function checkpointInterval(value: number | false | undefined, code: string): number | undefined {
  const every = value ?? 50_000;
  if (every === false) return undefined;
  if (!(Number.isSafeInteger(every) && every >= 1)) throw new RatecardError(code, `checkpointEvery must be a positive integer or false, got ${String(every)}`);
  return every;
}

/**
 * Where a checkpoint kept for `owner` (what its state depends on: the attributes aggregated,
 * the budgets' definitions) is saved: one of 16 slots under `name`, by a digest of the owner.
 * Owners sharing a ledger (an application and the CLI aggregating by other attributes, two
 * services with their own budgets) then keep a checkpoint each instead of overwriting one
 * another's and replaying the whole log at every open; the storage has no delete, so slots
 * are few and an owner's old checkpoints are overwritten, not left behind one per change.
 * Two owners in one slot are no worse off than with one name: each state says whose it is.
 */
export function checkpointSlot(name: string, owner: string): string {
  return `${name}-${sha256Hex(owner).slice(0, 1)}`;
}

/**
 * The checkpoint of `owner` (see checkpointSlot), or the one under `name` itself, where
 * earlier versions kept every owner's: an upgrade does not begin with a full replay.
 */
export async function loadCheckpointFor<T>(storage: LedgerStorage, name: string, owner: string, cipher: Cipher | undefined, accept: (state: unknown, seq: number) => T | undefined): Promise<{ seq: number; state: T } | undefined> {
  return (await loadCheckpoint(storage, checkpointSlot(name, owner), cipher, accept)) ?? (await loadCheckpoint(storage, name, cipher, accept));
}

/**
 * Save a state (given as its JSON text, see jsonInSlices) as of entry `seq` under the meta
 * `name` (a `bulk:` name: storages keep those apart). False when that entry is not there.
 */
export async function saveCheckpoint(storage: LedgerStorage, name: string, seq: number, stateJson: string, cipher: Cipher | undefined): Promise<boolean> {
  const [entry] = await storage.read(seq, 1);
  if (entry?.seq !== seq) return false;
  const text = `{"v":${VERSION},"seq":${seq},"hash":${JSON.stringify(entry.hash)},"state":${stateJson}}`;
  await storage.setMeta(name, cipher ? JSON.stringify({ sealed: cipher.seal(text) }) : text);
  return true;
}

/** `JSON.stringify(items)`, a slice at a time (yielding between), so a large state never stalls the event loop for long. */
export async function jsonInSlices(items: readonly unknown[], slice = 5000): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i += slice) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (let j = i; j < Math.min(items.length, i + slice); j++) parts.push(JSON.stringify(items[j]));
  }
  return `[${parts.join(',')}]`;
}

/**
 * The checkpoint saved under `name`, with its state as `accept` rebuilt it, or undefined when
 * there is none this ledger can trust (`accept` returns undefined or throws to refuse one).
 */
export async function loadCheckpoint<T>(storage: LedgerStorage, name: string, cipher: Cipher | undefined, accept: (state: unknown, seq: number) => T | undefined): Promise<{ seq: number; state: T } | undefined> {
  try {
    const stored = await storage.getMeta(name);
    if (stored === undefined) return undefined;
    let parsed = JSON.parse(stored) as CheckpointBody | { sealed: Sealed };
    if ('sealed' in parsed) {
      if (!cipher) return undefined;
      parsed = JSON.parse(cipher.open(parsed.sealed)) as CheckpointBody;
    } else if (cipher) {
      // A clear checkpoint in a ledger now written with a key: from before encryption; rebuild.
      return undefined;
    }
    const cp = parsed;
    if (cp.v !== VERSION || !Number.isSafeInteger(cp.seq) || cp.seq < 1 || typeof cp.hash !== 'string') return undefined;
    const head = await storage.head();
    if (cp.seq > head.seq) return undefined;
    const [at] = await storage.read(cp.seq, 1);
    if (at?.seq !== cp.seq || at.hash !== cp.hash) return undefined;
    const state = accept(cp.state, cp.seq);
    return state === undefined ? undefined : { seq: cp.seq, state };
  } catch {
    // Unreadable (corrupt JSON, a key that does not open it, a bad decimal): a full replay.
    return undefined;
  }
}
