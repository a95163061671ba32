export * from './diagnostic.js';
export * from './ratecard-error.js';
