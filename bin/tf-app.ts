#!/usr/bin/env node
import { App, AppConfig } from 'cdktf';
import { addGcpTier0ActiveActive } from '../examples/gcp-tier0-active-active';
import { addGcpTier0CloudRun } from '../examples/gcp-tier0-cloud-run';
import { addGcpTier1Gke } from '../examples/gcp-tier1-gke';
import { addGcpTier2PilotLight } from '../examples/gcp-tier2-pilot-light';
import { addTfAwsTier1WarmStandby } from '../examples/tf-aws-tier1-warm-standby';

/**
 * The cdktf app behind `npx cdktf synth` (and `npx ts-node bin/tf-app.ts`): every Terraform
 * example stack, synthesized offline into cdktf.out (no provider download, no credentials). The
 * state backends come from the context (`gcsStateBucket`, `s3StateBucket` and `s3StateRegion`).
 */
export function tfExamplesApp(config: AppConfig = {}): App {
  // No stack traces in the manifest: they hold the absolute paths of the machine that synthesized.
  const app = new App({ stackTraces: false, ...config });
  addGcpTier0ActiveActive(app);
  addGcpTier0CloudRun(app);
  addGcpTier1Gke(app);
  addGcpTier2PilotLight(app);
  addTfAwsTier1WarmStandby(app);
  return app;
}

if (require.main === module) {
  process.env.CHECKPOINT_DISABLE ??= '1';
  tfExamplesApp().synth();
}
