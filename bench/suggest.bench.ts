/**
 * "Model not found" cost and the catalog's cold start.
 *
 * 1. suggest() over every catalog name: the fast version against the plain reference
 *    (full Damerau-Levenshtein per candidate, test/util/suggest-reference.ts), same run.
 * 2. One unknown-model lookup through Catalog.resolve(): the first miss (fresh catalog,
 *    index already built) and a repeated miss (remembered), against the plain miss path
 *    as it was before (same name lookup, reference suggest, no miss cache).
 * 3. Cold start in fresh child processes: the first catalog lookup (find + read + parse +
 *    index + resolve) and the same phases timed one by one.
 * Run: npx tsx bench/suggest.bench.ts  (add `cold` for the cold-start part alone)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RatecardError as RatecardErrorType } from '../src/errors/ratecard-error.js';

const CHILD = process.argv[2] === '--child';
const at = new Date('2025-11-01T12:00:00Z');

/** Milliseconds since `t0` (a performance.now() reading). */
const since = (t0: number) => performance.now() - t0;

if (CHILD) await child(process.argv[3]!);
else await main();

async function child(mode: string): Promise<void> {
  const out: Record<string, number> = {};
  let t = performance.now();
  const { catalogPath, defaultCatalog, loadCatalogFile } = await import('../src/catalog/index.js');
  const { buildIndex } = await import('../src/catalog/index-data.js');
  out.import = since(t);
  if (mode === 'full') {
    t = performance.now();
    defaultCatalog().resolve({ model: 'gpt-4o', at });
    out.first_lookup = since(t);
    t = performance.now();
    try {
      defaultCatalog().resolve({ model: 'gpt-4o-fake-model', at });
    } catch {
      out.first_miss = since(t);
    }
  } else {
    t = performance.now();
    const path = catalogPath();
    out.find = since(t);
    t = performance.now();
    const text = readFileSync(path, 'utf8');
    out.read = since(t);
    t = performance.now();
    const file = JSON.parse(text) as ReturnType<typeof loadCatalogFile>;
    out.parse = since(t);
    t = performance.now();
    const idx = buildIndex(file);
    out.index = since(t);
    t = performance.now();
    idx.any('gpt-4o');
    out.first_table = since(t);
    t = performance.now();
    void idx.allNames;
    out.all_tables = since(t);
  }
  process.stdout.write(JSON.stringify(out));
}

async function main(): Promise<void> {
  const { Catalog, loadCatalogFile } = await import('../src/catalog/index.js');
  const { parseModelName } = await import('../src/catalog/names.js');
  const { RatecardError } = await import('../src/errors/ratecard-error.js');
  const { suggest } = await import('../src/util/suggest.js');
  const { referenceSuggest } = await import('../test/util/suggest-reference.js');
  const { formatNs, measure, row } = await import('./util.js');

  const file = loadCatalogFile();
  const warm = new Catalog(file);
  const idx = warm.index;

  /** The miss path before this change: name lookup, then the plain suggest over the scope's names, every time. */
  function plainMiss(provider: string | undefined, model: string): RatecardErrorType {
    const parsed = parseModelName(model);
    const scope = provider ?? parsed.provider;
    for (const k of parsed.keys) if (scope !== undefined ? idx.table(scope)!.get(k) : idx.any(k)) throw new Error(`${model} is in the catalog`);
    const suggestions = referenceSuggest(parsed.keys[0] ?? model, scope !== undefined ? idx.names(scope) : idx.allNames);
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?)` : '';
    return new RatecardError('model_not_found', `model \`${model}\` is not in the catalog${hint}`, { details: { model, suggestions } });
  }

  const miss = (c: InstanceType<typeof Catalog>, provider: string | undefined, model: string): unknown => {
    try {
      return c.resolve({ model, at, ...(provider !== undefined ? { provider } : {}) });
    } catch (e) {
      return e;
    }
  };

  const MISSES: [string | undefined, string][] = [
    [undefined, 'gpt-4o-fake-model'],
    [undefined, 'claude-sonnet-9'],
    [undefined, 'totally-unknown-model-name'],
    ['bedrock', 'us.anthropic.claude-3-5-sonet-20240620-v1:0'],
    ['anthropic', 'claude-sonet-4-5'],
  ];

  if (process.argv[2] !== 'cold') misses();

  function misses(): void {
    console.log(`suggest() over the catalog's ${idx.allNames.length} names (per call, warm)`);
    const w1 = [44, 12, 12, 8];
    console.log(row(['name', 'fast', 'reference', 'ratio'], w1));
    for (const [provider, model] of MISSES) {
      const key = parseModelName(model).keys[0]!;
      const names = provider !== undefined ? idx.names(provider) : idx.allNames;
      if (JSON.stringify(suggest(key, names)) !== JSON.stringify(referenceSuggest(key, names))) throw new Error(`suggest differs from the reference for ${key}`);
      const fast = measure(() => suggest(key, names), { iterations: 400, warmup: 100 });
      const ref = measure(() => referenceSuggest(key, names), { iterations: 60, warmup: 20 });
      console.log(row([`${provider ? `${provider}/` : ''}${model}`.slice(0, 44), formatNs(fast.median), formatNs(ref.median), `${(ref.median / fast.median).toFixed(0)}×`], w1));
    }

    console.log('\nunknown-model lookup through Catalog.resolve() (per call)');
    const w2 = [44, 12, 12, 12, 10, 10];
    console.log(row(['name', 'first miss', 'repeated', 'plain miss', 'first ×', 'repeat ×'], w2));
    for (const [provider, model] of MISSES) {
      const e = miss(warm, provider, model) as RatecardErrorType;
      if (e.code !== 'model_not_found' || JSON.stringify(e.details.suggestions) !== JSON.stringify(plainMiss(provider, model).details.suggestions)) {
        throw new Error(`${model}: catalog and plain miss disagree`);
      }
      // First miss: a new catalog per sample (index built outside the timed call), so nothing is remembered yet.
      const firsts: number[] = [];
      for (let i = 0; i < 150; i++) {
        const c = new Catalog(() => file);
        void c.index.allNames; // every provider's table built, as in the warm plain path
        const t0 = process.hrtime.bigint();
        miss(c, provider, model);
        firsts.push(Number(process.hrtime.bigint() - t0));
      }
      firsts.sort((a, b) => a - b);
      const first = firsts[firsts.length >> 1]!;
      const repeated = measure(() => miss(warm, provider, model), { iterations: 20_000, warmup: 5_000 });
      const plain = measure(() => plainMiss(provider, model), { iterations: 60, warmup: 20 });
      console.log(row([`${provider ? `${provider}/` : ''}${model}`.slice(0, 44), formatNs(first), formatNs(repeated.median), formatNs(plain.median), `${(plain.median / first).toFixed(0)}×`, `${(plain.median / repeated.median).toFixed(0)}×`], w2));
    }

  }

  // Cold start: each run in a new process, so nothing is loaded, indexed or compiled yet.
  const RUNS = 9;
  const self = fileURLToPath(import.meta.url);
  const runChild = (mode: string): Record<string, number> => {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', mode], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold-start child failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const medians = (mode: string): Record<string, number> => {
    const runs = Array.from({ length: RUNS }, () => runChild(mode));
    const out: Record<string, number> = {};
    for (const k of Object.keys(runs[0]!)) out[k] = runs.map((r) => r[k]!).sort((a, b) => a - b)[RUNS >> 1]!;
    return out;
  };
  const ms = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(1)} ms`);
  const full = medians('full');
  const phases = medians('phases');
  console.log(`\ncold start, fresh process, median of ${RUNS} (data/catalog.json: ${(readFileSync(new URL('../data/catalog.json', import.meta.url)).length / 1024).toFixed(0)} KiB, ${file.models.length} models)`);
  console.log(`  first catalog lookup (find + read + parse + index + resolve): ${ms(full.first_lookup)}; then first miss: ${ms(full.first_miss)}  [module import before it: ${ms(full.import)}]`);
  console.log(`  phases alone: find file ${ms(phases.find)}, read ${ms(phases.read)}, JSON.parse ${ms(phases.parse)}, index (group by provider) ${ms(phases.index)}, OpenAI's table (gpt-4o) ${ms(phases.first_table)}, every other table ${ms(phases.all_tables)}`);
}
