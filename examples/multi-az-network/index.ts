import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MultiAzNetwork, ServiceTier } from '../../lib';

/** The smallest useful topology: a TIER_1 network across three AZs of us-east-1. */
export class MultiAzNetworkExampleStack extends Stack {
  public readonly network: MultiAzNetwork;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: 'us-east-1', ...props.env } });
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: ServiceTier.TIER_1,
      service: 'example-network',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  }
}

/** Adds this example's stacks to an app. */
export function addMultiAzNetworkExample(app: App): void {
  new MultiAzNetworkExampleStack(app, 'Example-MultiAzNetwork', {
    description: 'ha-constructs example: a TIER_1 MultiAzNetwork (3 AZs, NAT per AZ, encrypted flow logs)',
  });
}
