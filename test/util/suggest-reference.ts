/**
 * The plain implementation suggest() had before it was made fast: full Damerau-Levenshtein
 * (optimal string alignment) against every candidate. Kept here, test-only, as the
 * reference the fast version must agree with exactly.
 */

export function referenceDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

export function referenceSuggest(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(lower.length / 3));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d = referenceDistance(lower, cl);
    if (d > maxDistance && lower.length >= 3 && (cl.includes(lower) || lower.includes(cl))) d = maxDistance;
    if (d <= maxDistance) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || x.c.length - y.c.length || x.c.localeCompare(y.c));
  return [...new Set(scored.map((s) => s.c))].slice(0, limit);
}
