/**
 * Aggregate checkpoints: the aggregates as they stood after entry `seq`, saved in the
 * storage meta so that opening a ledger replays only the entries after it instead of the
 * whole history (a replay costs tens of µs per entry: minutes for a ledger of millions).
 *
 * A checkpoint is a cache, never a source of truth: it is used only when it names an entry
 * that is still in the ledger with the same hash (so it describes a prefix of this very
 * chain) and was kept for the same attributes; anything else — absent, unreadable, from
 * another version, a truncated or replaced ledger — means a full replay. With encryption the
 * checkpoint (which names attribute values, e.g. customers) is sealed like attribution.
 */
import type { LedgerStorage } from '../storage/types.js';
import { Aggregates, type AggregateSnapshot } from './aggregates.js';
import type { Cipher, Sealed } from './encryption.js';

/** The meta name (`bulk:`: storages may keep it apart from small, often-written meta such as sync cursors). */
export const CHECKPOINT_META = 'bulk:aggregates-checkpoint';
const VERSION = 1;

interface CheckpointBody {
  v: number;
  seq: number;
  hash: string;
  attributes: string[];
  cells: AggregateSnapshot[];
}

/** Save aggregate `cells` (kept for `attributes`) as of entry `seq`, whose hash is `hash`. */
export async function saveCheckpoint(storage: LedgerStorage, point: { attributes: readonly string[]; cells: AggregateSnapshot[]; seq: number; hash: string }, cipher: Cipher | undefined): Promise<void> {
  const body: CheckpointBody = { v: VERSION, seq: point.seq, hash: point.hash, attributes: [...point.attributes], cells: point.cells };
  const text = JSON.stringify(body);
  await storage.setMeta(CHECKPOINT_META, cipher ? JSON.stringify({ sealed: cipher.seal(text) }) : text);
}

/** The checkpointed aggregates, or undefined when there is none this ledger can trust. */
export async function loadCheckpoint(storage: LedgerStorage, attributes: readonly string[], cipher: Cipher | undefined): Promise<Aggregates | undefined> {
  try {
    const stored = await storage.getMeta(CHECKPOINT_META);
    if (stored === undefined) return undefined;
    let parsed = JSON.parse(stored) as CheckpointBody | { sealed: Sealed };
    if ('sealed' in parsed) {
      if (!cipher) return undefined;
      parsed = JSON.parse(cipher.open(parsed.sealed)) as CheckpointBody;
    } else if (cipher) {
      // A clear checkpoint in a ledger now written with a key: written before encryption; rebuild.
      return undefined;
    }
    const cp = parsed;
    if (cp.v !== VERSION || !Number.isSafeInteger(cp.seq) || cp.seq < 1 || !Array.isArray(cp.cells) || !sameSet(cp.attributes, attributes)) return undefined;
    const head = await storage.head();
    if (cp.seq > head.seq) return undefined;
    const [at] = await storage.read(cp.seq, 1);
    if (at?.seq !== cp.seq || at.hash !== cp.hash) return undefined;
    return Aggregates.fromSnapshot(attributes, cp.cells, cp.seq);
  } catch {
    // Unreadable (corrupt JSON, a key that does not open it, a bad decimal): a full replay.
    return undefined;
  }
}

function sameSet(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));
}
