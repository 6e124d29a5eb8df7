// Runs the CLI from source with tsx (development and tests): `npx tsx src/dev-cli.ts serve`.
import { runCli } from './cli.js';

await runCli(process.argv);
