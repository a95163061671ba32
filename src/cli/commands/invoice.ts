import { formatInvoice, type InvoiceFormat } from '../../ledger/invoice/format.js';
import { openLedger } from '../../ledger/open.js';
import { raterFor } from '../pricing-file.js';
import { EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { encryptionFromEnv } from './verify.js';

const HELP = `usage: ratecard invoice --ledger URL --customer C --period YYYY-MM [--pricing FILE]
                        [--plan NAME] [--format text|json|csv]

Prints the invoice of one customer for one period: the plan's fee, usage by model and
token kind, tier, discount and cap lines, the minimum-commitment true-up, and usage per
agent and conversation. Amounts are rounded once to the currency's minor unit (the
pricing file's rounding mode, half-even by default) and the lines sum to the total.
Plans come from --pricing; the plan is the one the customer's calls named (--plan overrides).
`;

const FORMATS: readonly InvoiceFormat[] = ['text', 'json', 'csv'];

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ledger: { type: 'string' }, customer: { type: 'string' }, period: { type: 'string' }, pricing: { type: 'string' }, plan: { type: 'string' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const missing = (['ledger', 'customer', 'period'] as const).filter((k) => !values[k]);
  if (missing.length > 0) throw new UsageError(`${missing.map((k) => `--${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
  if (!FORMATS.includes(values.format as InvoiceFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got \`${values.format}\``);
  const ratecard = values.pricing !== undefined ? await raterFor(values.pricing, io.cwd) : undefined;
  const encryption = encryptionFromEnv();
  const ledger = await openLedger(values.ledger!, { cwd: io.cwd, readOnly: true, ...(ratecard ? { ratecard } : {}), ...(encryption ? { encryption } : {}) });
  try {
    const invoice = await ledger.invoice({ customer: values.customer!, period: values.period!, ...(values.plan ? { plan: values.plan } : {}) });
    io.stdout(formatInvoice(invoice, values.format as InvoiceFormat));
  } finally {
    await ledger.close();
  }
  return EXIT_OK;
}
