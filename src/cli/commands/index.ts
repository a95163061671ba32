import type { CommandRunner } from '../io.js';

/** Each command is loaded only when used, so `ratecard validate` never loads a SQL driver. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  // Commands register here: name → { summary, load: () => import('./name.js').then((m) => m.run) }
};
