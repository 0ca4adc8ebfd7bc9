import { packageBuild } from '../../tsup.base';

// Test support is its own entry (the `./testing` export), not part of the main one.
export default packageBuild({
  entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing.ts' } },
});
