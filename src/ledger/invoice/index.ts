export { buildInvoice, InvoiceBuilder, type Invoice, type InvoiceInput, type InvoiceLine, type InvoiceLineKind, type BreakdownRow } from './build.js';
export { formatBillingRun, formatInvoice, formatInvoiceText, formatInvoiceCsv, invoiceToJson, type InvoiceFormat } from './format.js';
export { billingRun, type BillingRun, type BillingRunInput, type BillingRunFailure } from './run.js';
