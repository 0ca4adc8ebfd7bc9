import { packageBuild } from '../../tsup.base';

// Two entries: the whole package, and `@buff/ml/inference` (scoring without the training code).
export default packageBuild({ entry: { index: 'src/index.ts', 'inference/index': 'src/inference/index.ts' } });
