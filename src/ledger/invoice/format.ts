/**
 * Invoice renderings: JSON (`{customer, period, currency, lines, total, …}`, every
 * amount a decimal string), a readable text table, and CSV (RFC 4180 quoting).
 */
import type { Invoice, InvoiceLine } from './build.js';
import type { BillingRun } from './run.js';

export type InvoiceFormat = 'json' | 'text' | 'csv';

export function invoiceToJson(inv: Invoice): string {
  return `${JSON.stringify(inv, null, 2)}\n`;
}

export function formatInvoiceText(inv: Invoice): string {
  const header = ['Description', 'Quantity', 'Unit price', `Amount (${inv.currency})`];
  const rows = inv.lines.map((l) => [l.description, l.quantity ?? '', l.unit_price ?? '', l.amount]);
  const widths = header.map((h, i) => Math.max(h.length, inv.total.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [
    `Invoice for ${inv.customer}, period ${inv.period}${inv.plan ? `, plan ${inv.plan}` : ''}`,
    '',
    fmt(header),
    rule,
    ...rows.map(fmt),
    rule,
    fmt(['Total', '', '', inv.total]),
  ];
  for (const [name, list] of Object.entries(inv.breakdowns)) {
    if (list.length === 0 || (list.length === 1 && list[0]!.value === '')) continue;
    out.push('', `Usage by ${name}:`);
    const w = Math.max(...list.map((b) => (b.value || '(none)').length));
    for (const b of list) out.push(`  ${(b.value || '(none)').padEnd(w)}  ${b.amount.padStart(inv.total.length)}  (${b.entries} call${b.entries === 1 ? '' : 's'})`);
  }
  const warnings: string[] = [];
  if (inv.problems.unpriced > 0) {
    const reasons = Object.entries(inv.problems.by_reason).map(([r, n]) => `${r}: ${n}`).join(', ');
    warnings.push(`warning: ${inv.problems.unpriced} call${inv.problems.unpriced === 1 ? ' is' : 's are'} not priced and not on this invoice (${reasons})`);
  }
  for (const w of inv.problems.warnings) warnings.push(`warning: ${w.calls} call${w.calls === 1 ? '' : 's'}: ${w.warning}`);
  if (warnings.length > 0) out.push('', ...warnings);
  out.push(`(${inv.entries} ledger entries; rounded once to minor units, ${inv.rounding})`);
  return `${out.join('\n')}\n`;
}

const CSV_COLUMNS = ['kind', 'description', 'model', 'component', 'quantity', 'unit_price', 'amount'] as const;
const CSV_HEADER = ['customer', 'period', 'currency', ...CSV_COLUMNS];

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatInvoiceCsv(inv: Invoice, header = true): string {
  const rows = [
    ...(header ? [CSV_HEADER] : []),
    ...inv.lines.map((l: InvoiceLine) => [inv.customer, inv.period, inv.currency, ...CSV_COLUMNS.map((c) => l[c] ?? '')]),
    [inv.customer, inv.period, inv.currency, 'total', 'Total', '', '', '', '', inv.total],
  ];
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function formatInvoice(inv: Invoice, format: InvoiceFormat): string {
  return format === 'json' ? invoiceToJson(inv) : format === 'csv' ? formatInvoiceCsv(inv) : formatInvoiceText(inv);
}

/**
 * A billing run: JSON (the run as is), CSV (every invoice's rows under one header), or
 * text (each invoice, then a summary: totals per customer, failures, usage billed to nobody).
 */
export function formatBillingRun(run: BillingRun, format: InvoiceFormat): string {
  if (format === 'json') return `${JSON.stringify(run, null, 2)}\n`;
  if (format === 'csv') {
    const head = CSV_HEADER.join(',') + '\r\n';
    return head + run.invoices.map((inv) => formatInvoiceCsv(inv, false)).join('');
  }
  const parts = run.invoices.map(formatInvoiceText);
  const summary = [`Billing run ${run.period}: ${run.invoices.length} invoice${run.invoices.length === 1 ? '' : 's'}${run.failed.length > 0 ? `, ${run.failed.length} failed` : ''}`];
  const w = Math.max(0, ...run.invoices.map((i) => i.customer.length));
  const t = Math.max(0, ...run.invoices.map((i) => i.total.length));
  for (const inv of run.invoices) summary.push(`  ${inv.customer.padEnd(w)}  ${inv.total.padStart(t)} ${inv.currency}  ${inv.plan ? `plan ${inv.plan}, ` : ''}${inv.entries} entr${inv.entries === 1 ? 'y' : 'ies'}`);
  for (const f of run.failed) summary.push(`  ${f.customer}: not invoiced: error[${f.code}]: ${f.message}`);
  const u = run.unattributed;
  if (u.entries > 0) {
    const amounts = Object.entries(u.amounts).map(([c, a]) => `${a} ${c}`).join(', ');
    summary.push(`warning: ${u.entries} entr${u.entries === 1 ? 'y has' : 'ies have'} no customer and ${u.entries === 1 ? 'is' : 'are'} on no invoice${amounts ? ` (${amounts}` : ' ('}${u.unpriced > 0 ? `${amounts ? '; ' : ''}${u.unpriced} unpriced` : ''})`);
  }
  parts.push(`${summary.join('\n')}\n`);
  return parts.join('\n');
}
