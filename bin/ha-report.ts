#!/usr/bin/env node
import { main } from '../lib/checks/cli';

// `npx ha-report <cdk.out|cdktf.out>`: everything lives in lib/checks/cli.ts so that it ships in dist.
process.exitCode = main(process.argv.slice(2));
