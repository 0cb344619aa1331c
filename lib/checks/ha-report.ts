#!/usr/bin/env node
import { main } from './cli';

// The `ha-report` executable (dist/checks/ha-report.js): `npx ha-report <cdk.out|cdktf.out>`.
// It lives under lib so that the build (rootDir lib) ships it; bin/ha-report.ts runs it from source.
process.exitCode = main(process.argv.slice(2));
