import { configDefaults, defineConfig } from 'vitest/config';

const browserTests = 'tests/browser-*.test.ts';

// Tests run against TypeScript sources: every package lists a `source` export condition first.
// Two projects: `browser` shares one Chromium across its files (its globalSetup runs only when one of
// them is selected); `node` is everything else.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'browser', include: [browserTests], globalSetup: ['tests/helpers/browser-server.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, browserTests],
        },
      },
    ],
  },
});
