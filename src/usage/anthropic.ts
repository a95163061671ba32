/**
 * Anthropic Messages `usage` (also Claude on Bedrock InvokeModel and on Vertex).
 *
 * - `input_tokens` EXCLUDES cache traffic: `cache_read_input_tokens` and
 *   `cache_creation_input_tokens` are ADDITIONAL input;
 * - `cache_creation.ephemeral_5m_input_tokens` / `.ephemeral_1h_input_tokens` split the
 *   writes by TTL (1h writes cost 2× input, 5m 1.25×); without the split every write is 5m;
 * - `output_tokens` is the billed total; `output_tokens_details.thinking_tokens` is the
 *   part spent thinking, moved to `reasoning` (same rate by default, total unchanged);
 * - `server_tool_use.web_search_requests` → `web_searches` (billed per search).
 * No total is sent, so only the parts can be checked against each other.
 */
import type { CanonicalUsage } from './canonical.js';
import { emptyUsage } from './canonical.js';
import { UsageReader, val, type Rec } from './reader.js';

export function normalizeAnthropicUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('anthropic');
  const u = emptyUsage();
  u.input = r.required(usage, 'input_tokens').value;
  const output = r.required(usage, 'output_tokens');
  u.cache_read = val(r.count(usage, 'cache_read_input_tokens'));
  const writes = r.count(usage, 'cache_creation_input_tokens');
  const split = r.object(usage, 'cache_creation');
  const w5 = r.count(split, 'ephemeral_5m_input_tokens', 'cache_creation.ephemeral_5m_input_tokens');
  const w1 = r.count(split, 'ephemeral_1h_input_tokens', 'cache_creation.ephemeral_1h_input_tokens');
  // An all-zero split (sent by some proxies) says nothing: treat it as absent.
  if (split && val(w5) + val(w1) > 0) {
    r.checkTotal(writes, [w5, w1]);
    u.cache_write_5m = val(w5);
    u.cache_write_1h = val(w1);
  } else {
    u.cache_write_5m = val(writes);
  }
  const od = r.object(usage, 'output_tokens_details');
  const thinking = r.count(od, 'thinking_tokens', 'output_tokens_details.thinking_tokens');
  u.reasoning = val(thinking);
  u.output = r.leftover(output, [thinking]);
  const tools = r.object(usage, 'server_tool_use');
  u.web_searches = val(r.count(tools, 'web_search_requests', 'server_tool_use.web_search_requests'));
  r.finish();
  return u;
}
