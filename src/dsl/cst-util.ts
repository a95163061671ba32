/** Small typed accessors over chevrotain CST nodes, and span conversion. */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { SourcePosition, SourceSpan } from '../errors/diagnostic.js';

export function tokens(node: CstNode, name: string): IToken[] {
  return (node.children[name] as IToken[] | undefined) ?? [];
}

export function token(node: CstNode, name: string, index = 0): IToken | undefined {
  return tokens(node, name)[index];
}

export function nodes(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

export function child(node: CstNode, name: string, index = 0): CstNode | undefined {
  return nodes(node, name)[index];
}

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

/** Every element of `node` in source order (CST children are grouped by name, not ordered). */
export function ordered(node: CstNode): CstElement[] {
  const all: CstElement[] = [];
  for (const list of Object.values(node.children)) all.push(...list);
  return all.sort((a, b) => startOffset(a) - startOffset(b));
}

export function startOffset(e: CstElement): number {
  return isToken(e) ? e.startOffset : (e.location?.startOffset ?? Number.NaN);
}

/** Block entries are checked one by one, so a bad entry does not hide its siblings. */
const ENTRY_RULES = new Set(['rateEntry', 'aliasEntry', 'longContext', 'unknownEntry', 'tierLine', 'freeLine', 'packageLine', 'planAmount', 'includesEntry', 'tiersStmt', 'alertEntry']);

/**
 * True when recovery inserted a token or re-synced inside `node`, not counting damage
 * inside its block entries (the caller skips those entries one at a time).
 */
export function isDamaged(node: CstNode, entriesToo = false): boolean {
  if (node.recoveredNode) return true;
  for (const [name, list] of Object.entries(node.children)) {
    if (!entriesToo && ENTRY_RULES.has(name)) continue;
    for (const e of list) {
      if (isToken(e) ? e.isInsertedInRecovery === true || Number.isNaN(e.startOffset) : isDamaged(e, true)) return true;
    }
  }
  return false;
}

/** Chevrotain positions (1-based, inclusive end) to a SourceSpan (exclusive end). */
export function tokenSpan(first: IToken, last: IToken = first): SourceSpan {
  return {
    start: { line: first.startLine ?? 1, column: first.startColumn ?? 1, offset: first.startOffset },
    end: endOf(last),
  };
}

function endOf(t: IToken): SourcePosition {
  return { line: t.endLine ?? t.startLine ?? 1, column: (t.endColumn ?? t.startColumn ?? 0) + 1, offset: (t.endOffset ?? t.startOffset) + 1 };
}

export function nodeSpan(node: CstNode): SourceSpan {
  const l = node.location;
  if (!l || Number.isNaN(l.startOffset)) return { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  return {
    start: { line: l.startLine ?? 1, column: l.startColumn ?? 1, offset: l.startOffset },
    end: { line: l.endLine ?? l.startLine ?? 1, column: (l.endColumn ?? 0) + 1, offset: (l.endOffset ?? l.startOffset) + 1 },
  };
}

export function joinSpans(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { start: a.start, end: b.end };
}
