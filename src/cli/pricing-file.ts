import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RatecardError } from '../errors/index.js';
import type { Rater } from '../engine/types.js';
import { loadRatecard } from '../ratecard.js';
import { listPriceRater } from '../quote.js';

/** The rater for `--pricing FILE`, or list prices from the built-in catalog without one. */
export async function raterFor(pricing: string | undefined, cwd: string): Promise<Rater> {
  if (pricing === undefined) return listPriceRater();
  let source: string;
  try {
    source = await readFile(resolve(cwd, pricing), 'utf8');
  } catch (e) {
    throw new RatecardError('file_unreadable', `${pricing}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return loadRatecard(source, { filename: pricing });
}
