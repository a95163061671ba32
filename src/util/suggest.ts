/**
 * "Did you mean" support: edit distance and the closest candidates to a misspelled name.
 * suggest() runs against thousands of catalog names on every unknown model, so it only
 * computes distances that can still qualify: length and character-count lower bounds
 * first, then a banded, early-exit edit distance over reused buffers.
 */

/** Damerau-Levenshtein (optimal string alignment) distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  return a === b ? 0 : distanceWithin(a, b, Math.max(a.length, b.length));
}

// Three DP rows (row i-2, i-1, i), grown on demand and reused across calls: a suggest()
// over the whole catalog allocates nothing per candidate.
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * OSA distance between `a` and `b` (already lower-cased) when it is at most `bound`,
 * else `bound + 1`. Only the band |i − j| ≤ bound is computed (cells outside it exceed
 * the bound), every cell is clamped to bound + 1 (min and +1 commute with the clamp, so
 * cells within the bound stay exact), and a row whose minimum exceeds the bound ends the
 * computation: row minima never decrease, so the final distance would exceed it too.
 */
export function distanceWithin(a: string, b: string, bound: number): number {
  const m = a.length;
  const n = b.length;
  const big = bound + 1;
  if (m - n > bound || n - m > bound) return big;
  if (m === 0 || n === 0) return m + n;
  if (rows[0].length < n + 2) rows = [new Int32Array(n + 2), new Int32Array(n + 2), new Int32Array(n + 2)];
  let [prev2, prev, cur] = rows;
  // Row 0, plus the cell just right of its band (read by row 1).
  const top = bound < n ? bound : n;
  for (let j = 0; j <= top; j++) prev[j] = j;
  if (top < n) prev[top + 1] = big;
  for (let i = 1; i <= m; i++) {
    const lo = i - bound > 1 ? i - bound : 1;
    const hi = i + bound < n ? i + bound : n;
    const ac = a.charCodeAt(i - 1);
    const ap = i > 1 ? a.charCodeAt(i - 2) : -1;
    // The cell left of the band: column 0 (= i) when the band reaches it, else out of bound.
    let left = lo === 1 && i <= bound ? i : big;
    cur[lo - 1] = left;
    let rowMin = left;
    for (let j = lo; j <= hi; j++) {
      const bc = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ac === bc ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < v) v = del;
      if (left + 1 < v) v = left + 1;
      if (j > 1 && ac === b.charCodeAt(j - 2) && ap === bc) {
        const t = prev2[j - 2]! + 1;
        if (t < v) v = t;
      }
      if (v > big) v = big;
      cur[j] = v;
      left = v;
      if (v < rowMin) rowMin = v;
    }
    // The cell right of the band, read by the next row.
    if (hi < n) cur[hi + 1] = big;
    if (rowMin > bound) return big;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]!;
}

// Character-count difference between the name and a candidate, by code unit mod 128:
// `diff` holds the name's counts during a suggest() call and is zero again after it.
const diff = new Int32Array(128);

/**
 * Σ|count in name − count in `c`| over `diff`'s buckets. An insertion or deletion changes
 * it by at most 1, a substitution by 2, a transposition not at all (merged buckets only
 * lower it), so ⌈(Σ + |length difference|) / 2⌉ never exceeds the edit distance.
 */
function countDistance(c: string, nameLength: number): number {
  let l1 = nameLength;
  for (let i = 0; i < c.length; i++) {
    const k = c.charCodeAt(i) & 127;
    l1 += diff[k]! > 0 ? -1 : 1;
    diff[k]!--;
  }
  for (let i = 0; i < c.length; i++) diff[c.charCodeAt(i) & 127]!++;
  return l1;
}

/**
 * Up to `limit` candidates closest to `name`: within an edit distance of about a third of
 * the name's length, or sharing its prefix/substring, best first.
 */
export function suggest(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const m = lower.length;
  const maxDistance = Math.max(1, Math.floor(m / 3));
  const substrings = m >= 3;
  const scored: { c: string; d: number }[] = [];
  for (let i = 0; i < m; i++) diff[lower.charCodeAt(i) & 127]!++;
  try {
    for (const c of candidates) {
      const cl = c.toLowerCase();
      const n = cl.length;
      // Cheap lower bounds first (length, character counts); the banded distance only for the rest.
      let d = maxDistance + 1;
      if (cl === lower) d = 0;
      else if (m - n <= maxDistance && n - m <= maxDistance && countDistance(cl, m) + Math.abs(m - n) <= 2 * maxDistance) d = distanceWithin(lower, cl, maxDistance);
      // Too far, but one name contains the other: as good as the worst close match.
      if (d > maxDistance && substrings && (cl.includes(lower) || lower.includes(cl))) d = maxDistance;
      if (d <= maxDistance) scored.push({ c, d });
    }
  } finally {
    for (let i = 0; i < m; i++) diff[lower.charCodeAt(i) & 127]!--;
  }
  scored.sort((x, y) => x.d - y.d || x.c.length - y.c.length || x.c.localeCompare(y.c));
  return [...new Set(scored.map((s) => s.c))].slice(0, limit);
}

/** " (did you mean `a` or `b`?)"-style hint text, or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  if (s.length === 0) return undefined;
  return `did you mean ${s.map((x) => `\`${x}\``).join(' or ')}?`;
}
