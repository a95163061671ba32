/** ratecard alerts: budgets per attribute and period, threshold alerts recorded once in the ledger, hard limits with reservations. */
export { Budgets, createBudgets, type BudgetsOptions, type Reservation } from './budgets.js';
export type { BudgetAlert, BudgetCheck, BudgetStatus, CallInput } from './types.js';
export { alertKey, alertOf, type AlertEntry } from './alert-record.js';
export { createAlertOutbox } from './webhook.js';
