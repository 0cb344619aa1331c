import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ResilientService } from '../../lib/aws/service';
import { ACKNOWLEDGED_CONTROLS } from '../examples/control-tower-acknowledged';
import { testApp } from '../util';

const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

// Every AWS Control Tower proactive control (cfn-guard rules of @cdklabs/cdk-validator-cfnguard) over
// a TIER_1 stack with the service: it fails only what the examples' acknowledged list already covers
// (the network's custom resource handler, the access-log bucket), each for the reason given there.
test('a stack with ResilientService fails no Control Tower proactive control beyond the acknowledged ones', () => {
  const app = testApp();
  const stack = new Stack(app, 'Orders', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  new ResilientService(stack, 'Service', {
    tier: ServiceTier.TIER_1,
    vpc: network.vpc,
    image: ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/orders@sha256:${'0123456789abcdef'.repeat(4)}`),
    requiredCount: 6,
    maxCount: 18,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
  });
  const artifact = app.synth().getStackByName('Orders');
  const resources = artifact.template.Resources as Record<string, { Type: string }>;
  const validator = new CfnGuardValidator({ maxBuffer: 1024 * 1024 * 1024 });
  const report = validator.validate({ templatePaths: [artifact.templateFullPath], appConstruct: app });
  const failures = report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1] ?? violation.ruleName,
      logicalId: resource.resourceLogicalId,
      resourceType: resources[resource.resourceLogicalId]?.Type ?? 'unknown',
    })),
  );
  const unacknowledged = failures.filter(
    (f) =>
      !ACKNOWLEDGED_CONTROLS.some(
        (entry) =>
          entry.control === f.control && entry.resourceType === f.resourceType && entry.logicalId.test(f.logicalId),
      ),
  );
  expect(unacknowledged).toEqual([]);
  // The service's own resources fail nothing but the access-log bucket's two (SSE-S3, end of the log chain) and
  // the per-AZ alarms that feed the AZ's Impaired composite, which carries the actions.
  const own = failures.filter((f) => f.logicalId.startsWith('Service')).map((f) => `${f.control} ${f.logicalId}`);
  expect(own.filter((f) => !/ServiceZonalDetection\w+(Availability|Outlier)/.test(f)).sort()).toEqual([
    'CT.S3.PR.10 ServiceAccessLogsC4D1116F',
    'CT.S3.PR.2 ServiceAccessLogsC4D1116F',
  ]);
  expect(own.filter((f) => /ServiceZonalDetection/.test(f)).every((f) => f.startsWith('CT.CLOUDWATCH.PR.1 '))).toBe(
    true,
  );
});
