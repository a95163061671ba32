/** `ws` is an optional dependency: only the WebSocket sink loads it, lazily, on connect. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const files = (dir: string): string[] => readdirSync(join(src, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));

describe('module loading', () => {
  it('no module statically imports ws; the WebSocket sink imports it dynamically', () => {
    for (const f of files('.')) {
      const text = readFileSync(join(src, f), 'utf8');
      expect(text, f).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'ws'/m);
    }
    expect(readFileSync(join(src, 'sync/sinks/websocket.ts'), 'utf8')).toMatch(/await import\('ws'\)/);
  });

  it('the core entry point does not pull in sync or alerts', () => {
    expect(readFileSync(join(src, 'index.ts'), 'utf8')).not.toMatch(/sync|alerts/);
  });
});
