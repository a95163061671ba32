/**
 * Bedrock Converse / ConverseStream `usage` (TokenUsage): like Anthropic, `inputTokens`
 * EXCLUDES cache traffic; `cacheReadInputTokens` and `cacheWriteInputTokens` are
 * additional; `cacheDetails` ([{ ttl: '5m' | '1h', inputTokens }]) splits the writes by
 * TTL. `totalTokens` is documented as input + output; in practice it includes the cache
 * counts, so either sum is accepted. Bedrock does not break reasoning out of outputTokens.
 */
import type { CanonicalUsage } from './canonical.js';
import { emptyUsage } from './canonical.js';
import { UsageReader, isRecord, sumFields, val, type Field, type Rec } from './reader.js';

export function normalizeBedrockConverseUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('bedrock-converse');
  const input = r.required(usage, 'inputTokens');
  const output = r.required(usage, 'outputTokens');
  const total = r.count(usage, 'totalTokens');
  const read = r.count(usage, 'cacheReadInputTokens');
  const write = r.count(usage, 'cacheWriteInputTokens');
  const details = r.array(usage, 'cacheDetails');
  const byTtl: { '5m': Field[]; '1h': Field[] } = { '5m': [], '1h': [] };
  details?.forEach((d, i) => {
    const path = `cacheDetails[${i}]`;
    if (!isRecord(d)) return r.invalid(`\`${path}\` must be an object`, path);
    const f = r.required(d, 'inputTokens', `${path}.inputTokens`);
    if (d.ttl === '5m' || d.ttl === '1h') byTtl[d.ttl].push(f);
    else r.invalid(`\`${path}.ttl\` must be "5m" or "1h", got ${JSON.stringify(d.ttl)}`, `${path}.ttl`);
  });

  const u = emptyUsage();
  u.input = input.value;
  u.output = output.value;
  u.cache_read = val(read);
  if (details && details.length > 0) {
    const w5 = sumFields('cacheDetails[5m].inputTokens', byTtl['5m']);
    const w1 = sumFields('cacheDetails[1h].inputTokens', byTtl['1h']);
    r.checkTotal(write, [w5, w1]);
    u.cache_write_5m = val(w5);
    u.cache_write_1h = val(w1);
  } else {
    u.cache_write_5m = val(write);
  }
  if (total) {
    const withCache = input.value + output.value + val(read) + val(write);
    if (total.value !== withCache) r.checkTotal(total, [input, output]);
  }
  r.finish();
  return u;
}
