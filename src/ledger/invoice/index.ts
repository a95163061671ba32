export { buildInvoice, type Invoice, type InvoiceInput, type InvoiceLine, type InvoiceLineKind, type BreakdownRow } from './build.js';
export { formatInvoice, formatInvoiceText, formatInvoiceCsv, invoiceToJson, type InvoiceFormat } from './format.js';
