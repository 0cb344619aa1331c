#!/usr/bin/env node
// `npx ts-node bin/ha-report.ts <cdk.out|cdktf.out>` from a checkout; the published executable is
// dist/checks/ha-report.js, built from lib/checks/ha-report.ts, which holds the entry point.
import '../lib/checks/ha-report';
