/**
 * Regenerates grammar/diagrams.html: railroad diagrams of the `.rate` grammar, drawn by
 * chevrotain from the parser itself, so they cannot drift from it.
 *
 *     npx tsx scripts/gen-diagrams.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { rateParser } from '../src/dsl/parser.js';

const out = fileURLToPath(new URL('../grammar/diagrams.html', import.meta.url));
const html = createSyntaxDiagramsCode(rateParser().getSerializedGastProductions());
writeFileSync(out, html.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<title>ratecard .rate grammar</title>'));
process.stdout.write(`wrote ${out}\n`);
