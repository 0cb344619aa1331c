import { SyntheticProbes } from '../../../lib/checks/rules';
import { HaRole, ServiceTier } from '../../../lib/core';
import { cfn, merge } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };

/**
 * A serving us-east-1 stack whose only canary probes `host`, beside a us-west-2 stack that holds a
 * key of the same service (a region of the analysed templates, serving nothing).
 */
const probing = (host: string) =>
  merge(
    cfn(
      {
        Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal' } },
        Canary: {
          Type: 'AWS::Synthetics::Canary',
          Properties: {
            Schedule: { Expression: 'rate(1 minute)' },
            RunConfig: { EnvironmentVariables: { PROBE_URL: `https://${host}/health/ready` } },
          },
        },
      },
      { ...T1, name: 'East', region: 'us-east-1' },
    ),
    cfn(
      { Key: { Type: 'AWS::KMS::Key', Properties: {} } },
      { ...T1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
    ),
  );

export const STANDBY_PROBE_CASES: RuleCase[] = [
  {
    rule: SyntheticProbes,
    engine: 'cloudformation',
    stack: 'East',
    resource: 'service:shop',
    // A canary that watches the other region (a standby's failover trigger) measures that region, not this one.
    message: "is probed in East only through other regions' names (shop-us-west-2.example.com)",
    compliant: probing('shop-us-east-1.example.com'),
    nonCompliant: probing('shop-us-west-2.example.com'),
  },
];
