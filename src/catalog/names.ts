/**
 * Model-name normalization: what people send (`openai/GPT-4o`, `us.anthropic.claude-…-v1:0`,
 * `claude-sonnet-4-5@20250929`) → the keys the catalog indexes.
 */
import { canonicalProvider } from './providers.js';

const GEO = /^(us-gov|us|eu|apac|jp|au|ca|global)\.(?=[a-z0-9-]+\.)/;
const VERSION_SUFFIX = /-v\d+(:\d+)?$/;

export interface ParsedName {
  /** Provider named by a `provider/` prefix, canonical. */
  provider?: string;
  /** Region named by a Bedrock inference-profile prefix (`us.`, `eu.`, `global.`, …). */
  region?: string;
  /** Lower-cased candidate keys, most specific first. */
  keys: string[];
  /** Keys of the name with its `provider/` prefix kept: some ids contain a slash (`meta-llama/…` on Together, `xai/…` on Vertex). */
  fullKeys: string[];
}

export function parseModelName(raw: string): ParsedName {
  let name = raw.trim().toLowerCase();
  const out: ParsedName = { keys: [], fullKeys: [] };
  const slash = name.indexOf('/');
  if (slash > 0) {
    const p = canonicalProvider(name.slice(0, slash));
    if (p) {
      out.provider = p;
      name = name.slice(slash + 1);
    }
  }
  out.fullKeys = out.provider !== undefined ? candidateKeys(raw.trim().toLowerCase()) : [];
  const geo = GEO.exec(name);
  if (geo) {
    out.region = geo[1]!;
    name = name.slice(geo[0].length);
  }
  out.keys = candidateKeys(name);
  return out;
}

function candidateKeys(name: string): string[] {
  const keys = [name];
  if (VERSION_SUFFIX.test(name)) keys.push(name.replace(VERSION_SUFFIX, ''));
  if (name.includes('@')) keys.push(name.replace('@', '-'), name.slice(0, name.indexOf('@')));
  if (name.endsWith(':latest')) keys.push(name.slice(0, -':latest'.length));
  return [...new Set(keys)];
}

/** Keys a catalog id is indexed under (besides the id itself). */
export function indexKeys(id: string): string[] {
  const lower = id.toLowerCase();
  const keys = [lower];
  if (VERSION_SUFFIX.test(lower)) keys.push(lower.replace(VERSION_SUFFIX, ''));
  if (lower.includes('@')) keys.push(lower.replace('@', '-'));
  return keys;
}

/** Geography of a cloud region name, to find its uplift: `us-east-1` → `us`, `ap-northeast-1` → `apac`. */
export function regionKeys(region: string): string[] {
  const r = region.trim().toLowerCase();
  const keys = [r];
  if (r.startsWith('us-gov')) keys.push('us-gov');
  else if (/^(us|eu|ca|jp|au)[-.]/.test(r)) keys.push(r.slice(0, 2));
  else if (r.startsWith('europe-')) keys.push('eu');
  else if (/^(ap|asia|apac)[-.]/.test(r)) keys.push('apac');
  return keys;
}
