import { Stack } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ServiceTier } from '../../lib';
import { ImageRepository } from '../../lib/aws/image-repository';
import { RegistryReplication } from '../../lib/aws/registry-replication';
import { nagErrors } from '../nag';
import { testApp } from '../util';

/** A TIER_1 repository in us-east-1 replicated to us-west-2: both sides of the replication. */
function build() {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
  new ImageRepository(primary, 'Images', {
    tier: ServiceTier.TIER_1,
    repositoryName: 'orders',
    registry: new RegistryReplication(primary, 'Registry'),
    replicaRegistries: [new RegistryReplication(standby, 'Registry')],
  });
  return app;
}

const app = build();

test('ImageRepository and RegistryReplication pass cdk-nag AwsSolutions and NIST 800-53 rev 5', () => {
  expect(nagErrors(app)).toEqual([]);
});

// Every AWS Control Tower proactive control over both stacks: nothing fails, not even an acknowledged one.
test('ImageRepository and RegistryReplication fail no Control Tower proactive control', () => {
  const assembly = app.synth();
  const validator = new CfnGuardValidator({ maxBuffer: 1024 * 1024 * 1024 });
  const failures = ['Primary', 'Standby'].flatMap((name) => {
    const artifact = assembly.getStackByName(name);
    const report = validator.validate({ templatePaths: [artifact.templateFullPath], appConstruct: app });
    return report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} ${name}/${resource.resourceLogicalId}`),
    );
  });
  expect(failures).toEqual([]);
});
