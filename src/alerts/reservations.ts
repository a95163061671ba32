/**
 * Reservations: an estimated maximum cost held against budgets while a call is in flight,
 * so concurrent calls cannot jointly overspend a hard limit. Held in memory (per process)
 * and they expire, so a call that never settles does not block the budget for ever.
 */
import { ZERO, type Decimal } from '../money/index.js';

interface Hold { cells: string[]; amount: Decimal; expiresAt: number }

export class Holds {
  private readonly holds = new Map<number, Hold>();
  private next = 1;

  constructor(private readonly now: () => number) {}

  add(cells: string[], amount: Decimal, ttlMs: number): number {
    const id = this.next++;
    this.holds.set(id, { cells, amount, expiresAt: this.now() + ttlMs });
    return id;
  }

  release(id: number): boolean {
    return this.holds.delete(id);
  }

  /** Sum held on a cell by unexpired reservations (expired ones are dropped here). */
  held(cell: string): Decimal {
    const now = this.now();
    let sum = ZERO;
    for (const [id, h] of this.holds) {
      if (h.expiresAt <= now) {
        this.holds.delete(id);
        continue;
      }
      if (h.cells.includes(cell)) sum = sum.plus(h.amount);
    }
    return sum;
  }

  get size(): number {
    return this.holds.size;
  }
}
