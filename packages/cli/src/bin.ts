// Development entry: `node --conditions=source --import tsx packages/cli/src/bin.ts ...` runs the sources.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
