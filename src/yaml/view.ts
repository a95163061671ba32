/**
 * The YAML syntax tree as a plain JSON value for schema validation, plus where each value
 * was written. Numbers become their SOURCE TEXT (a string), so a decimal such as 0.000005
 * never passes through a JS float and the schema can check how it was written.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { SourcePosition, SourceSpan } from '../errors/index.js';

export type JsonView = string | boolean | null | JsonView[] | { [key: string]: JsonView };

/** Where a value (and, for mapping entries, its key) was written. */
export interface Located {
  value: SourceSpan;
  /** The key of a mapping entry; absent for sequence items and the root. */
  key?: SourceSpan;
}

export interface ViewResult {
  view: JsonView;
  /** JSON pointer (`/pricing/gpt-4o/per_token`) → location. */
  locations: Map<string, Located>;
  /** Problems found while building the view (non-scalar keys, unknown aliases). */
  problems: { code: string; message: string; span: SourceSpan }[];
}

export function pointer(parent: string, key: string | number): string {
  const k = String(key);
  return `${parent}/${k.includes('~') || k.includes('/') ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k}`;
}

/** A large pricing file has a few thousand values; anything far beyond is an alias bomb. */
const MAX_NODES = 20_000;

/**
 * spanAt for many nodes of one source: line starts are indexed once and searched
 * (errors' positionAt rescans the source on every call). Same results.
 */
export function spanIndex(source: string): (start: number, end?: number) => SourceSpan {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  const position = (offset: number): SourcePosition => {
    const at = Math.min(Math.max(offset, 0), source.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo]! + 1, offset: at };
  };
  return (start, end = start) => ({ start: position(start), end: position(Math.max(start, end)) });
}

/** Build the JSON view of a parsed YAML document. */
export function buildView(doc: Document, source: string): ViewResult {
  const locations = new Map<string, Located>();
  const problems: ViewResult['problems'] = [];
  const spanAt = spanIndex(source);
  const span = (node: YamlNode | null | undefined, fallback: number): SourceSpan => {
    const r = node?.range;
    return r ? spanAt(r[0], r[1]) : spanAt(fallback);
  };

  let budget = MAX_NODES;
  const resolved = new Map<unknown, unknown>();
  const visit = (node: unknown, path: string, depth: number, at: number): JsonView => {
    // Aliases can expand exponentially ("billion laughs"): bound depth and total size.
    if (depth > 64 || --budget < 0) {
      if (budget === -1 || depth > 64) problems.push({ code: 'yaml_too_large', message: 'the document is nested too deeply or expands to too many values', span: spanAt(at) });
      return null;
    }
    if (isAlias(node)) {
      // resolve() searches the whole document, so remember each alias's target.
      let target = resolved.get(node);
      if (target === undefined && !resolved.has(node)) resolved.set(node, (target = node.resolve(doc)));
      if (!target) {
        problems.push({ code: 'yaml_syntax', message: `unknown alias *${node.source}`, span: span(node, at) });
        return null;
      }
      return visit(target, path, depth + 1, at);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'number' || typeof v === 'bigint') return node.source ?? String(v);
      if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
      return String(v);
    }
    if (isMap(node)) {
      const out: { [key: string]: JsonView } = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? scalarKey(keyNode) : undefined;
        if (key === undefined) {
          problems.push({ code: 'invalid_key', message: 'mapping keys must be plain names', span: span(keyNode, at) });
          continue;
        }
        const keySpan = span(keyNode, at);
        const child = pointer(path, key);
        const valueNode = pair.value as YamlNode | null;
        locations.set(child, { value: valueNode?.range ? span(valueNode, at) : keySpan, key: keySpan });
        out[key] = visit(valueNode, child, depth + 1, keySpan.end.offset);
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const child = pointer(path, i);
        locations.set(child, { value: span(item as YamlNode, at) });
        return visit(item, child, depth + 1, at);
      });
    }
    return null; // an empty value (`key:` with nothing after it)
  };

  const root = doc.contents as YamlNode | null;
  locations.set('', { value: root?.range ? span(root, 0) : spanAt(0) });
  const view = visit(root, '', 0, 0);
  return { view, locations, problems };
}

function scalarKey(node: { value: unknown; source?: string; type?: string }): string | undefined {
  const v = node.value;
  if (typeof v === 'string') return v;
  if (node.type === 'PLAIN' && node.source !== undefined) return node.source;
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}
