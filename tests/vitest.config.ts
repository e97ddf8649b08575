import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/{main,shared,renderer,tools}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Two cores: native modules (onnxruntime, sqlite) and child processes dominate, not test count.
    pool: 'forks',
    maxWorkers: 2,
    allowOnly: false,
  },
});
