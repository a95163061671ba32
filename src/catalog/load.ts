/**
 * Finds and parses data/catalog.json on first use: importing ratecard costs nothing
 * until a catalog price is actually needed.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RatecardError } from '../errors/ratecard-error.js';
import type { CatalogFile } from './types.js';

// From src/catalog/ (tsx, tests) and from dist/ or dist/catalog/ (bundled builds).
const CANDIDATES = ['../../data/catalog.json', '../data/catalog.json', '../../../data/catalog.json'];

export function catalogPath(): string {
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    // A stat, not a read: the file is read once, by loadCatalogFile().
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) return path;
  }
  throw new RatecardError('catalog_missing', `the built-in catalog (data/catalog.json) was not found next to ${fileURLToPath(import.meta.url)}`);
}

export function loadCatalogFile(path: string = catalogPath()): CatalogFile {
  const data = JSON.parse(readFileSync(path, 'utf8')) as CatalogFile;
  if (data.schema !== 1 || !Array.isArray(data.models)) throw new RatecardError('catalog_invalid', `${path}: not a ratecard catalog (schema ${String(data.schema)})`);
  return data;
}
