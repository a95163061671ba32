import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import { USAGE_KINDS, parseCanonicalUsage } from '../../src/usage/index.js';

type AjvClass = typeof Ajv2020Module.default;
// ajv is CommonJS: under Node's ESM the default import is the class itself.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

const schema = JSON.parse(readFileSync(new URL('../../schemas/usage.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

const parses = (v: unknown): boolean => {
  try {
    parseCanonicalUsage(v);
    return true;
  } catch {
    return false;
  }
};

const keys = fc.constantFrom(...USAGE_KINDS, 'cache_write', 'cache_write_5m', 'prompt_tokens', 'Input', 'foo');
const values = fc.oneof(
  fc.nat(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, 1.5, -0, 1e21),
  fc.double({ noNaN: true }),
  fc.stringMatching(/^[0-9]{1,18}$/),
  fc.constantFrom('9007199254740991', '9007199254740992', '09007199254740991', '', '1e3', ' 1', '-1', '1.0', '0x10'),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.boolean(),
  fc.constant({}),
  fc.constant([1]),
);
const usageLike = fc.dictionary(keys, values, { maxKeys: 6 });

describe('schemas/usage.schema.json', () => {
  it('accepts exactly what parseCanonicalUsage accepts (generated objects)', () => {
    fc.assert(
      fc.property(usageLike, (v) => {
        expect(validate(v), JSON.stringify(v)).toBe(parses(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on the edge cases', () => {
    const cases: unknown[] = [
      {},
      { input: 1, output: '2' },
      { input: Number.MAX_SAFE_INTEGER },
      { input: '9007199254740991' },
      { input: '9007199254740992' },
      { input: '00000000000000000009007199254740991' },
      { cache_write: 1, cache_write_5m: 1 },
      { cache_write: 1, cache_write_5m: null },
      { cache_write: null, cache_write_5m: 3 },
      { unknown: null },
      { unknown: 0 },
      null,
      [],
      'x',
      { input: -1 },
      { input: 1.5 },
    ];
    for (const v of cases) expect(validate(v), JSON.stringify(v)).toBe(parses(v));
  });

  it('documents every canonical bucket', () => {
    for (const k of USAGE_KINDS) expect(schema.properties[k]?.description, k).toBeTruthy();
  });
});
