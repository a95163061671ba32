import { defineConfig } from 'tsup';

// One entry per public subpath; optional integrations stay separate so the core loads none of them.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: false,
});
