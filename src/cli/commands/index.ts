import type { CommandRunner } from '../io.js';

/** Each command is loaded only when used, so `ratecard validate` never loads a SQL driver. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  validate: { summary: 'check pricing files (for CI)', load: () => import('./validate.js').then((m) => m.run) },
  quote: { summary: 'price one call, or NDJSON requests from stdin', load: () => import('./quote.js').then((m) => m.run) },
  fmt: { summary: 'print or rewrite .rate files in canonical form', load: () => import('./fmt.js').then((m) => m.run) },
  convert: { summary: 'convert a pricing file between .rate and YAML', load: () => import('./convert.js').then((m) => m.run) },
  bench: { summary: 'measure quote latency of a ratecard against a budget', load: () => import('./bench.js').then((m) => m.run) },
  ingest: { summary: 'record NDJSON usage events into a ledger', load: () => import('./ingest.js').then((m) => m.run) },
  invoice: { summary: 'print a customer invoice for a period from a ledger', load: () => import('./invoice.js').then((m) => m.run) },
  verify: { summary: 'check a ledger: hash chain and re-rating of every entry', load: () => import('./verify.js').then((m) => m.run) },
  sync: { summary: 'deliver ledger entries to an HTTP receiver, Lago or OpenMeter', load: () => import('./sync.js').then((m) => m.run) },
  catalog: { summary: 'list, show and import model list prices', load: () => import('./catalog.js').then((m) => m.run) },
};
