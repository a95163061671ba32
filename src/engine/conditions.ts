/**
 * Conditions compiled to predicates once. Attributes: customer, plan, agent, conversation,
 * task, tags (a list: eq/in = contains any, ne/not_in = contains none), provider, model,
 * service_tier (request.service_tier, else attributes.service_tier), and any custom
 * attribute. `model` and `provider` compare case-insensitively (as lookups do); others exactly.
 * A missing attribute fails eq/in and passes ne/not_in.
 */
import type { Condition, ConditionClause } from '../pricing/document.js';
import type { CallAttributes } from './types.js';

/** What a condition can see of one call. */
export interface CallContext {
  attributes: CallAttributes | undefined;
  /** Lower-case provider of the call (resolved model's provider, else the request's). */
  provider: string | undefined;
  /** Lower-case names the call's model answers to: requested name, resolved id, aliases. */
  modelNames: readonly string[];
  serviceTier: string | undefined;
}

export type Predicate = (ctx: CallContext) => boolean;

function valuesOf(ctx: CallContext, attribute: string): readonly string[] | string | undefined {
  switch (attribute) {
    case 'provider': return ctx.provider;
    case 'model': return ctx.modelNames;
    case 'service_tier': return ctx.serviceTier;
    default: return ctx.attributes?.[attribute];
  }
}

function clausePredicate(clause: ConditionClause): Predicate {
  const folded = clause.attribute === 'model' || clause.attribute === 'provider';
  const wanted = new Set(folded ? clause.values.map((v) => v.toLowerCase()) : clause.values);
  const positive = clause.op === 'eq' || clause.op === 'in';
  const attribute = clause.attribute;
  return (ctx) => {
    const actual = valuesOf(ctx, attribute);
    let hit = false;
    if (typeof actual === 'string') hit = wanted.has(folded ? actual.toLowerCase() : actual);
    else if (actual !== undefined) for (const v of actual) if (wanted.has(v)) { hit = true; break; }
    return positive ? hit : !hit;
  };
}

/** All clauses must hold; an absent or empty condition always holds (returns undefined). */
export function compileCondition(condition: Condition | undefined): Predicate | undefined {
  if (!condition || condition.length === 0) return undefined;
  const clauses = condition.map(clausePredicate);
  if (clauses.length === 1) return clauses[0];
  return (ctx) => {
    for (const c of clauses) if (!c(ctx)) return false;
    return true;
  };
}

/** Human-readable condition text for rule descriptions: `when plan = "pro" and tags in ("a", "b")`. */
export function describeCondition(condition: Condition | undefined): string {
  if (!condition || condition.length === 0) return '';
  const ops = { eq: '=', ne: '!=', in: 'in', not_in: 'not in' } as const;
  const parts = condition.map((c) => {
    const vals = c.values.map((v) => JSON.stringify(v));
    const rhs = c.op === 'in' || c.op === 'not_in' ? `(${vals.join(', ')})` : (vals[0] ?? '""');
    return `${c.attribute} ${ops[c.op]} ${rhs}`;
  });
  return ` when ${parts.join(' and ')}`;
}
