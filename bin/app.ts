#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addAllExamples } from '../examples';

// The CDK app behind `npx cdk synth`: every example stack, synthesized offline (no lookups, no credentials).
const app = new App();
addAllExamples(app);
app.synth();
