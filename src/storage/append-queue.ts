/**
 * Group commit for the SQL adapters: appendWith callers queue here, and one drain loop
 * hands them to the adapter's `runBatch` (one transaction for as many queued callers as
 * it takes), so concurrent callers share a commit instead of taking turns.
 */
import type { AppendTx } from './types.js';

export interface AppendJob {
  fn: (tx: AppendTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class AppendQueue {
  /** Waiting callers, oldest first; `runBatch` takes (shifts/splices) from the front. */
  readonly jobs: AppendJob[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly runBatch: () => Promise<void>) {}

  enqueue<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        this.idle = this.drain();
      }
    });
  }

  /** Resolves once no batch is running (for close). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.idle;
  }

  private async drain(): Promise<void> {
    try {
      while (this.jobs.length > 0) await this.runBatch();
    } finally {
      // Cleared in the same tick the loop sees an empty queue, so no job is stranded.
      this.running = false;
    }
  }
}
