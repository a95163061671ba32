import { defineConfig } from 'tsup';

// One entry per public subpath; optional integrations stay separate so the core loads none of them.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/main.ts',
    'intercept/openai': 'src/intercept/openai.ts',
    'intercept/anthropic': 'src/intercept/anthropic.ts',
    'intercept/ai-sdk': 'src/intercept/ai-sdk.ts',
    'intercept/langchain': 'src/intercept/langchain.ts',
    'intercept/llamaindex': 'src/intercept/llamaindex.ts',
    'intercept/index': 'src/intercept/index.ts',
    'storage/sqlite': 'src/storage/sqlite.ts',
    'storage/postgres': 'src/storage/postgres/index.ts',
    'sync/index': 'src/sync/index.ts',
    'alerts/index': 'src/alerts/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: false,
});
