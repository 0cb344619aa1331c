import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgeHaFinding } from '../../lib/aws/acknowledge';
import { checkInputs } from '../../lib/checks/check';
import { HaChecks } from '../../lib/checks/plugin';
import { KeyRotation } from '../../lib/checks/rules';
import { HA_ACKNOWLEDGED_KEY } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const REASON = 'imported key material cannot rotate automatically; rotated by hand every 90 days';

// The key belongs to no service with a tier, so HA-KMS1 is a warning on it: the plugins fail on warnings.
function keyStack(plugin?: HaChecks) {
  const app = testApp();
  if (plugin) {
    Validations.of(app).addPlugins(plugin);
  }
  const stack = new Stack(app, 'Keys', { env: { region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Signing', { enableKeyRotation: false, removalPolicy: RemovalPolicy.RETAIN });
  return { app, stack, key };
}

describe('acknowledgeHaFinding', () => {
  test('GIVEN a finding acknowledged on a construct THEN its resources carry the reason and ha-report sees it', () => {
    const { stack, key } = keyStack();
    acknowledgeHaFinding(key, 'HA-KMS1', REASON);
    const template = Template.fromStack(stack).toJSON();
    const [logicalId, resource] = Object.entries<{ Metadata: Record<string, unknown> }>(template.Resources)[0];
    expect(resource.Metadata[HA_ACKNOWLEDGED_KEY]).toEqual({ 'HA-KMS1': REASON });
    const report = checkInputs({ cloudFormation: [{ name: 'Keys', template }] }, { rules: [KeyRotation] });
    expect(report.findings).toEqual([]);
    expect(report.acknowledged).toEqual([
      expect.objectContaining({ rule: 'HA-KMS1', resource: logicalId, reason: REASON }),
    ]);
  });

  test('GIVEN a finding acknowledged on the stack THEN the template metadata carries it and the plugin passes synthesis', () => {
    const plugin = new HaChecks({ printReport: false, rules: [KeyRotation], failOn: 'warning' });
    const { app, stack } = keyStack(plugin);
    acknowledgeHaFinding(stack, 'HA-KMS1', REASON);
    expect(Template.fromStack(stack).toJSON().Metadata[HA_ACKNOWLEDGED_KEY]).toEqual({ 'HA-KMS1': REASON });
    expect(() => app.synth()).not.toThrow();
  });

  test('GIVEN no acknowledgement THEN the plugin fails synthesis on the unrotated key', () => {
    const plugin = new HaChecks({ printReport: false, rules: [KeyRotation], failOn: 'warning' });
    const { app } = keyStack(plugin);
    expect(() => app.synth()).toThrow(/HA-KMS1|does not rotate/);
  });

  test.each([
    ['KMS1', REASON, 'rule must be an HA rule id (HA-<AREA><n>), got: KMS1'],
    ['HA-KMS1', 'because', "reason must say why HA-KMS1 is accepted (at least 20 characters), got: 'because'"],
  ])('%#: bad input is a ValidationError naming the prop', (rule, reason, message) => {
    const { key } = keyStack();
    expectValidationError(() => acknowledgeHaFinding(key, rule, reason), message);
  });
});
