import { formatBillingRun, formatInvoice, type InvoiceFormat } from '../../ledger/invoice/format.js';
import { openLedger } from '../../ledger/open.js';
import { raterFor } from '../pricing-file.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { encryptionFromEnv } from './verify.js';

const HELP = `usage: ratecard invoice --ledger URL --period YYYY-MM --customer C [--plan NAME]
       ratecard invoice --ledger URL --period YYYY-MM (--all | --customer C --customer D …)
                        [--pricing FILE] [--format text|json|csv]

Prints the invoice of one customer for one period: the plan's fee, usage by model and
token kind, tier, discount and cap lines, the minimum-commitment true-up, and usage per
agent and conversation. Amounts are rounded once to the currency's minor unit (the
pricing file's rounding mode, half-even by default) and the lines sum to the total.
Plans come from --pricing; the plan is the one the customer's calls named (--plan overrides).

With --all (every customer with usage in the period) or several --customer (each of them,
usage or not), a billing run: every invoice from one pass over the ledger, then a summary
with the customers that could not be invoiced (exit 1) and usage attributed to no customer.
`;

const FORMATS: readonly InvoiceFormat[] = ['text', 'json', 'csv'];

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ledger: { type: 'string' }, customer: { type: 'string', multiple: true }, all: { type: 'boolean' }, period: { type: 'string' }, pricing: { type: 'string' }, plan: { type: 'string' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const customers = values.customer ?? [];
  const problems: string[] = [];
  const missing = [...(values.ledger ? [] : ['--ledger']), ...(values.period ? [] : ['--period']), ...(customers.length > 0 || values.all ? [] : ['--customer (or --all)'])];
  if (missing.length > 0) problems.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
  if (values.all && customers.length > 0) problems.push('--all and --customer exclude each other');
  const batch = values.all === true || customers.length > 1;
  if (batch && values.plan !== undefined) problems.push("--plan applies to one --customer (in a billing run each customer's plan is the one their calls named)");
  if (!FORMATS.includes(values.format as InvoiceFormat)) problems.push(`--format must be one of ${FORMATS.join(', ')}, got \`${values.format}\``);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const ratecard = values.pricing !== undefined ? await raterFor(values.pricing, io.cwd) : undefined;
  const encryption = encryptionFromEnv();
  const ledger = await openLedger(values.ledger!, { cwd: io.cwd, readOnly: true, ...(ratecard ? { ratecard } : {}), ...(encryption ? { encryption } : {}) });
  const format = values.format as InvoiceFormat;
  try {
    if (!batch) {
      const invoice = await ledger.invoice({ customer: customers[0]!, period: values.period!, ...(values.plan ? { plan: values.plan } : {}) });
      io.stdout(formatInvoice(invoice, format));
      return EXIT_OK;
    }
    const result = await ledger.invoices({ period: values.period!, ...(values.all ? {} : { customers }) });
    io.stdout(formatBillingRun(result, format));
    // Text and JSON carry the failures; CSV rows cannot.
    if (format === 'csv') for (const f of result.failed) io.stderr(`${f.customer}: error[${f.code}]: ${f.message}\n`);
    return result.failed.length > 0 ? EXIT_INVALID : EXIT_OK;
  } finally {
    await ledger.close();
  }
}
