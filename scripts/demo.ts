/**
 * The README's main job, end to end on this machine with no server to set up:
 *  1. validate every pricing file in pricing-examples/ (YAML and .rate twins);
 *  2. quote one call and explain each line;
 *  3. a small "app" makes calls with the REAL OpenAI and Anthropic SDKs against the bundled
 *     local provider emulator, for a few customers and agents, wrapped by `track()`;
 *     every call is priced and recorded into the embedded file ledger;
 *  4. verify the ledger and run the month's billing: each customer's invoice with per-agent
 *     breakdowns, then a summary of the run.
 * Run: npm run demo   (writes .demo/usage.ledger, fresh each run)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { loadRatecard, tryLoadRatecard, formatDiagnostic } from '../src/index.js';
import { openLedger, formatBillingRun } from '../src/ledger/index.js';
import { createTracker, track, withAttribution } from '../src/intercept/index.js';
import { startEmulator } from '../src/emulator/index.js';

const say = (text = '') => process.stdout.write(`${text}\n`);

// 1. Validate the examples.
say('== 1. validate pricing-examples/');
let invalid = 0;
for (const file of readdirSync('pricing-examples').sort()) {
  const path = join('pricing-examples', file);
  const source = readFileSync(path, 'utf8');
  const result = tryLoadRatecard(source, { filename: path });
  if (!result.ok) invalid++;
  say(`  ${result.ok ? 'ok     ' : 'INVALID'} ${path}${result.ok ? `  (${result.value.version.slice(0, 19)}…)` : ''}`);
  if (!result.ok) for (const d of result.diagnostics) say(formatDiagnostic(d, source));
}
if (invalid > 0) process.exit(1);

// 2. Quote one call and explain it.
const pricingFile = 'pricing-examples/reseller-markup.yaml';
const ratecard = loadRatecard(readFileSync(pricingFile, 'utf8'), { filename: pricingFile });
const q = ratecard.quote({
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  usage: { input: 1_200, cache_read: 48_000, cache_write_1h: 6_000, output: 900 },
  attributes: { customer: 'acme' },
});
say(`\n== 2. quote claude-sonnet-4-5 with ${pricingFile}: cost ${q.cost} ${q.currency}, price ${q.price} ${q.currency}`);
for (const l of q.lines) {
  const qty = l.quantity !== undefined ? `${l.quantity.padStart(7)} × ${(l.unit_price ?? '').padEnd(11)}` : ' '.repeat(21);
  say(`  ${l.kind.padEnd(8)} ${(l.component ?? '').padEnd(15)} ${qty} = ${l.amount.padStart(10)}  ${l.rule}${l.source ? ` (${l.source})` : ''}`);
}

// 3. An app using the real SDKs against the local emulator, recorded into the file ledger.
mkdirSync('.demo', { recursive: true });
rmSync('.demo/usage.ledger', { force: true });
const ledger = await openLedger('file:.demo/usage.ledger', { ratecard });
const emu = await startEmulator({ log: false });
const tracker = createTracker({ recorder: ledger });
const customers = ['acme', 'globex', 'initech'];
say(`\n== 3. ${customers.length} customers × 2 agents call OpenAI and Anthropic (real SDKs → local emulator → file ledger)`);
for (const [i, customer] of customers.entries()) {
  const openai = track(new OpenAI({ apiKey: 'demo', baseURL: emu.openaiBaseURL, maxRetries: 2 }), { tracker, attributes: { customer } });
  const anthropic = track(new Anthropic({ apiKey: 'demo', baseURL: emu.anthropicBaseURL, maxRetries: 2 }), { tracker, attributes: { customer } });
  await withAttribution({ agent: 'support-bot', conversation: `${customer}-conv-1` }, async () => {
    for (let n = 0; n < 3 + i; n++) {
      const prompt = 40_000 + 5_000 * n;
      emu.next({ usage: { prompt_tokens: prompt, completion_tokens: 1_500, total_tokens: prompt + 1_500, prompt_tokens_details: { cached_tokens: 32_000 } } });
      await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `order status #${n}` }] });
    }
    emu.next({ status: 429 }); // the SDK retries; the call is recorded once
    const stream = await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'summarize' }], stream: true });
    for await (const _chunk of stream);
  });
  await withAttribution({ agent: 'research-agent', conversation: `${customer}-conv-2` }, async () => {
    emu.next({ usage: { input_tokens: 2_000, cache_creation_input_tokens: 60_000, cache_read_input_tokens: 0, output_tokens: 4_000 } });
    await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'research plan' }] });
    emu.next({ usage: { input_tokens: 3_000, cache_read_input_tokens: 60_000, output_tokens: 6_000 } });
    await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 8192, messages: [{ role: 'user', content: 'go deeper' }] }).finalMessage();
    emu.next({ cutAfter: 3 }); // the connection drops mid-stream: recorded as incomplete, never priced 0
    await anthropic.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'and again' }] })
      .finalMessage()
      .catch(() => undefined);
  });
}
await tracker.shutdown();
await emu.close();
const stats = tracker.stats();
say(`  tracker: ${JSON.stringify(stats)}`);

// 4. Verify and invoice.
const report = await ledger.verify();
say(`\n== 4. verify: ${report.ok ? 'ok' : 'FAILED'}; ${report.entries} entries, chain problems ${report.chain.length}, re-rated ${report.rerated} with ${report.mismatches.length} differences, unpriced ${JSON.stringify(report.unpriced)}`);
const period = new Date().toISOString().slice(0, 7);
// The month-end billing run: every customer's invoice from one pass over the ledger.
const run = await ledger.invoices({ period, document: ratecard.document, customers });
say(`\n${formatBillingRun(run, 'text')}`);
await ledger.close();
if (!report.ok || run.failed.length > 0) process.exit(1);
