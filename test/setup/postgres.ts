/**
 * Vitest global setup: gives the PostgreSQL tests a real server. Uses RATECARD_PG_URL
 * when the environment provides one (CI may), otherwise starts a private throwaway
 * server with scripts/pg-test-server.sh and stops it after the run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): (() => void) | void {
  if (process.env.RATECARD_PG_URL) return;
  if (!existsSync('/usr/lib/postgresql')) return; // the PG suite reports the missing server itself
  const out = execFileSync('bash', ['scripts/pg-test-server.sh', 'start'], { encoding: 'utf8' });
  let dir = '';
  for (const line of out.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    process.env[m[1]!] = m[2]!;
    if (m[1] === 'RATECARD_PG_DIR') dir = m[2]!;
  }
  return () => {
    execFileSync('bash', ['scripts/pg-test-server.sh', 'stop', dir]);
  };
}
