import type { Rater } from '../engine/types.js';
import { loadRatecard } from '../ratecard.js';
import { listPriceRater } from '../quote.js';
import { readUserFile } from './read-file.js';

/** The rater for `--pricing FILE`, or list prices from the built-in catalog without one. */
export async function raterFor(pricing: string | undefined, cwd: string): Promise<Rater> {
  if (pricing === undefined) return listPriceRater();
  return loadRatecard(await readUserFile(pricing, cwd), { filename: pricing });
}
