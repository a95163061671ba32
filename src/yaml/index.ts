/**
 * YAML (and JSON) pricing files: parse with source positions, validate against
 * schemas/pricing.schema.json, build the PricingDocument, run the semantic checks.
 * See docs/yaml.md for the format.
 */
import { parseDocument } from 'yaml';
import { sortDiagnostics, spanAt, type Diagnostic, type SourceSpan } from '../errors/index.js';
import { checkDocument, checkTierRanges } from '../pricing/check.js';
import type { PricingDocument } from '../pricing/document.js';
import { buildDocument } from './build.js';
import { validateView } from './schema.js';
import { buildView } from './view.js';

export { printYaml } from './print.js';
export { PRICING_SCHEMA } from './schema.js';

export interface YamlLoadResult {
  /** Present when the file is well-formed and matches the schema; `diagnostics` may still hold semantic errors. */
  document?: PricingDocument;
  /** Every problem found, errors and warnings, in source order. */
  diagnostics: Diagnostic[];
}

/** Source text longer than this is refused before parsing (a pricing file is a few KB). */
const MAX_SOURCE_LENGTH = 4 * 1024 * 1024;

export function loadYamlPricing(source: string, options: { file?: string } = {}): YamlLoadResult {
  const { file } = options;
  const make = (code: string, message: string, span: SourceSpan | undefined, severity: Diagnostic['severity'] = 'error', hint?: string): Diagnostic => {
    const d: Diagnostic = { code, message, severity };
    if (file !== undefined) d.file = file;
    if (span) d.span = span;
    if (hint !== undefined) d.hint = hint;
    return d;
  };
  if (source.length > MAX_SOURCE_LENGTH) {
    return { diagnostics: [make('file_too_large', `the file is larger than ${MAX_SOURCE_LENGTH} characters`, undefined)] };
  }

  const parsed = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  let fatal = false;
  for (const e of parsed.errors) {
    const span = spanAt(source, e.pos[0], e.pos[1]);
    if (e.code === 'DUPLICATE_KEY') {
      const key = source.slice(e.pos[0], e.pos[1]).trim();
      diagnostics.push(make('duplicate_key', `duplicate key \`${key}\`: each key may appear once in a mapping`, span, 'error', 'merge the two entries or rename one'));
    } else {
      fatal = true;
      diagnostics.push(make('yaml_syntax', e.message.replace(/\s+/g, ' ').trim(), span));
    }
  }
  for (const w of parsed.warnings) diagnostics.push(make('yaml_warning', w.message.replace(/\s+/g, ' ').trim(), spanAt(source, w.pos[0], w.pos[1]), 'warning'));
  if (fatal) return { diagnostics: sortDiagnostics(diagnostics) };
  if (parsed.contents === null) {
    diagnostics.push(make('empty_file', 'the pricing file is empty', spanAt(source, 0), 'error', 'start with `pricing:` and a model, see docs/yaml.md'));
    return { diagnostics };
  }

  const { view, locations, problems } = buildView(parsed, source);
  for (const p of problems) diagnostics.push(make(p.code, p.message, p.span));
  if (problems.some((p) => p.code === 'yaml_too_large')) return { diagnostics: sortDiagnostics(diagnostics) };
  const schema = validateView(view, locations, file);
  diagnostics.push(...schema.diagnostics);
  const structural = diagnostics.some((d) => d.severity === 'error' && d.code !== 'duplicate_key');

  const built = buildDocument(view, locations);
  const semantic = [
    ...built.ranges.flatMap((r) => checkTierRanges(r, file)),
    ...checkDocument(built.document, { ...(file !== undefined ? { file } : {}), locate: built.locate }),
  ];
  // Where the schema already found a broken value, its message is the useful one.
  const quiet = (d: Diagnostic) => d.span !== undefined && schema.damaged.some((r) => overlaps(r, d.span!));
  diagnostics.push(...semantic.filter((d) => !quiet(d)));

  const result: YamlLoadResult = { diagnostics: sortDiagnostics(diagnostics) };
  if (!structural) result.document = built.document;
  return result;
}

function overlaps(a: SourceSpan, b: SourceSpan): boolean {
  return a.start.offset === b.start.offset || (a.start.offset < b.end.offset && b.start.offset < a.end.offset);
}
