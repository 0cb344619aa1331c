#!/usr/bin/env node
import { App } from 'cdktf';
import { addGcpTier0ActiveActive } from '../examples/gcp-tier0-active-active';
import { addGcpTier2PilotLight } from '../examples/gcp-tier2-pilot-light';
import { addTfAwsTier1WarmStandby } from '../examples/tf-aws-tier1-warm-standby';

// The cdktf app behind `npx cdktf synth` (and `npx ts-node bin/tf-app.ts`): every Terraform
// example stack, synthesized offline into cdktf.out (no provider download, no credentials).
process.env.CHECKPOINT_DISABLE ??= '1';
const app = new App();
addGcpTier0ActiveActive(app);
addGcpTier2PilotLight(app);
addTfAwsTier1WarmStandby(app);
app.synth();
