import { App } from 'aws-cdk-lib';
import { addMultiAzNetworkExample } from './multi-az-network';

/** Adds every AWS CDK example stack to an app: what `npx cdk synth` synthesizes. */
export function addAllExamples(app: App): void {
  addMultiAzNetworkExample(app);
}
