/**
 * Static checks the shared document checks cannot make: they need the AST (how a
 * condition was written) or concern only this syntax. Unknown references, duplicates,
 * tier order and value ranges are checked on the document by pricing/check.ts.
 */
import { ATTRIBUTES } from '../pricing/check.js';
import { suggest } from '../util/suggest.js';
import type * as A from './ast.js';
import type { Reporter } from './context.js';

/** Attributes holding a list; `=` on them means "contains", so two `=` clauses never conflict. */
const LIST_ATTRIBUTES = new Set(['tags']);

export function checkProgram(program: A.Program, report: Reporter): void {
  for (const s of program.statements) {
    if (s.kind === 'markup' || s.kind === 'discount' || s.kind === 'tiers' || s.kind === 'budget') checkCondition(s.when, report, s.kind);
    if (s.kind === 'plan') for (const e of s.entries) if (e.kind === 'tiers') checkCondition(e.when, report, 'tiers');
  }
}

function checkCondition(clauses: A.Clause[] | undefined, report: Reporter, what: string): void {
  if (!clauses) return;
  for (const c of clauses) {
    if ((ATTRIBUTES as readonly string[]).includes(c.attribute)) continue;
    // Custom attributes are allowed; only a near miss of a known one is suspicious.
    const close = suggest(c.attribute, ATTRIBUTES).filter((a) => a !== c.attribute);
    if (close.length > 0) report.warning('unknown_attribute', `\`${c.attribute}\` is not a standard call attribute`, c.span, `did you mean \`${close[0]}\`? (custom attributes are allowed)`);
  }
  const why = contradiction(clauses);
  if (why) report.warning('unreachable_rule', `this ${what} can never apply: ${why}`, clauses[0]?.span);
}

/** Why no call can satisfy every clause (same attribute constrained incompatibly), or undefined. */
export function contradiction(clauses: readonly A.Clause[]): string | undefined {
  const byAttr = new Map<string, A.Clause[]>();
  for (const c of clauses) byAttr.set(c.attribute, [...(byAttr.get(c.attribute) ?? []), c]);
  for (const [attr, list] of byAttr) {
    const excluded = new Set(list.filter((c) => c.op === 'ne' || c.op === 'not_in').flatMap((c) => c.values));
    const positives = list.filter((c) => c.op === 'eq' || c.op === 'in');
    if (LIST_ATTRIBUTES.has(attr)) {
      // A list attribute must contain one of each positive set and none of the excluded.
      for (const p of positives) if (p.values.every((v) => excluded.has(v))) return `\`${attr}\` must contain one of ${p.values.join(', ')} and none of them`;
      continue;
    }
    let allowed: Set<string> | undefined;
    for (const p of positives) allowed = new Set(p.values.filter((v) => !allowed || allowed.has(v)));
    if (allowed) {
      for (const v of excluded) allowed.delete(v);
      if (allowed.size === 0) return `no value of \`${attr}\` satisfies every clause`;
    }
  }
  return undefined;
}
