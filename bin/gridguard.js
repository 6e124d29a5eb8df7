#!/usr/bin/env node
// Runs the compiled CLI (npm run build makes dist/server).
import { runCli } from '../dist/server/cli.js';

await runCli(process.argv);
