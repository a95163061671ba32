/**
 * Exclusive writer lock: `<ledger>.lock`, created with O_EXCL and holding the owner's pid
 * and host. A lock whose process is gone (same host, pid not alive) is stale and taken
 * over; an empty lock older than a few seconds (crash between create and write) too.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { RatecardError } from '../../errors/index.js';

export interface LockInfo { pid: number; host: string; since: string }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Acquire the lock or throw `storage_locked`. Returns whether a stale lock was taken over. */
export function acquireLock(path: string): { staleTakenOver?: LockInfo | 'empty' } {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (acquireLockOnce(path)) return {};
    const info = readLock(path);
    let stale: LockInfo | 'empty' | undefined;
    if (info === undefined) {
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // vanished: retry
      }
      if (age > 5000) stale = 'empty';
    } else if (info.host === hostname() && info.pid !== process.pid && !alive(info.pid)) {
      stale = info;
    }
    if (stale === undefined) {
      const who = info ? `process ${info.pid} on ${info.host} (since ${info.since})` : 'another process';
      throw new RatecardError('storage_locked', `the ledger is locked by ${who}: ${path}. Only one writer at a time; if that process is gone, delete the lock file.`, { details: { lock: path, ...(info ?? {}) } });
    }
    // Move the stale lock aside, then check we moved the one we judged stale: two
    // processes taking over at once must not both win (the loser may have moved the
    // winner's fresh lock; it puts it back with link, which never overwrites).
    const aside = `${path}.stale-${process.pid}-${Date.now()}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readLock(aside);
    if (stale !== 'empty' && (moved?.pid !== stale.pid || moved.since !== stale.since)) {
      try {
        linkSync(aside, path);
      } catch {
        /* a newer lock exists: leave it */
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    if (acquireLockOnce(path)) return { staleTakenOver: stale };
  }
  throw new RatecardError('storage_locked', `could not acquire the ledger lock ${path}`, { details: { lock: path } });
}

function acquireLockOnce(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function releaseLock(path: string): void {
  const info = readLock(path);
  if (info && info.pid === process.pid && info.host === hostname()) {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
}
