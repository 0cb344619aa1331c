import { App, Validations } from 'aws-cdk-lib';
import { HaChecks, HaChecksProps } from '../lib/checks';
import { addTier0ActiveActive, ExampleDomain } from './tier0-active-active';
import { addTier0ServerlessApi } from './tier0-serverless-api';
import { addTier1EcsWarmStandby } from './tier1-ecs-warm-standby';
import { addTier1WarmStandby } from './tier1-warm-standby';
import { addTier2PilotLight } from './tier2-pilot-light';
import { addTier3BackupRestore } from './tier3-backup-restore';

/**
 * The hosted zone the examples publish their names in: the context values `hostedZoneId` and
 * `zoneName` (`npx cdk synth -c hostedZoneId=Z... -c zoneName=example.org`), by default the
 * documentation domain example.com, which is enough to synthesize; deploying needs a zone you own.
 */
export function exampleDomain(app: App): ExampleDomain {
  return {
    hostedZoneId: app.node.tryGetContext('hostedZoneId') ?? 'Z0123456789ABC',
    zoneName: app.node.tryGetContext('zoneName') ?? 'example.com',
  };
}

/**
 * Adds every AWS CDK example stack to an app: what `npx cdk synth` synthesizes. The HA checks run
 * at synthesis: the resilience report is printed, and an unacknowledged error fails synthesis.
 */
export function addAllExamples(app: App, haChecks: HaChecksProps = {}): void {
  Validations.of(app).addPlugins(new HaChecks(haChecks));
  const domain = exampleDomain(app);
  addTier0ActiveActive(app, domain);
  addTier0ServerlessApi(app, domain);
  addTier1WarmStandby(app, domain);
  addTier1EcsWarmStandby(app, domain);
  addTier2PilotLight(app, domain);
  addTier3BackupRestore(app, domain);
}
