import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgeHaFinding } from '../../lib/aws/acknowledge';
import { attachHaMetadata } from '../../lib/aws/metadata';
import { MultiAzNetwork } from '../../lib/aws/network';
import { HaChecks } from '../../lib/checks/plugin';
import { FailureDomain, ServiceTier } from '../../lib/core';
import { testApp } from '../util';

const KEY_POLICY = { Version: '2012-10-17', Statement: [] };
/** Acknowledges HA-RES2, which the fixture always has: a synthesis that passes with a warning prints it. */
const RESTORE_TESTED = 'restore time of a backup-and-restore tier is measured by restore testing';

/**
 * An app checked by `plugin`, added with `Validations.of(app).addPlugins` (or, when `deprecatedAppProp`,
 * through the AppProps#policyValidationBeta1 it replaces), whose Shop stack holds a network and a key
 * without rotation (HA-KMS1). The service cannot be shown to meet TIER_3 (HA-RES2: a backup-and-restore
 * RTO is the restore time, and nothing on a request path has a published SLA).
 */
function appWith(plugin: HaChecks, deprecatedAppProp = false) {
  const app = deprecatedAppProp ? testApp({ policyValidationBeta1: [plugin] }) : testApp();
  if (!deprecatedAppProp) {
    Validations.of(app).addPlugins(plugin);
  }
  const stack = new Stack(app, 'Shop', { env: { region: 'us-east-1' } });
  new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_3,
    service: 'shop',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
  });
  const key = new kms.CfnKey(stack, 'Unrotated', { keyPolicy: KEY_POLICY });
  key.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return { app, stack, key };
}

describe('HaChecks validation plugin', () => {
  test('GIVEN a key without rotation WHEN the app synthesizes THEN synthesis fails and the finding names the key', () => {
    const plugin = new HaChecks({ printReport: false });
    const { app } = appWith(plugin);
    expect(() => app.synth()).toThrow(/ERROR Unrotated does not rotate: set EnableKeyRotation to true \(HaChecks\)/);
    expect(plugin.lastResult!.report.findings.filter((f) => f.level === 'error')).toEqual([
      {
        rule: 'HA-KMS1',
        level: 'error',
        category: 'security-hygiene',
        stack: 'Shop',
        resource: 'Unrotated',
        message: 'Unrotated does not rotate: set EnableKeyRotation to true',
      },
    ]);
    expect(plugin.lastResult!.report.services).toEqual([
      expect.objectContaining({ stack: 'Shop', service: 'shop', tier: 'TIER_3', region: 'us-east-1' }),
    ]);
  });

  test('GIVEN the finding is acknowledged with a reason THEN synthesis passes and the acknowledgement is recorded', () => {
    const plugin = new HaChecks({ printReport: false });
    const { app, stack, key } = appWith(plugin);
    Validations.of(key).acknowledge({
      id: 'HA-KMS1',
      reason: 'imported signing key material cannot rotate automatically',
    });
    Validations.of(stack).acknowledge({ id: 'HA-RES2', reason: RESTORE_TESTED });
    expect(() => app.synth()).not.toThrow();
    expect(plugin.lastResult!.acknowledged.filter((a) => a.rule === 'HA-KMS1')).toEqual([
      expect.objectContaining({
        rule: 'HA-KMS1',
        resource: 'Unrotated',
        reason: 'imported signing key material cannot rotate automatically',
        acknowledgedAt: 'Shop/Unrotated',
      }),
    ]);
    expect(plugin.lastResult!.report.findings.map((f) => f.rule)).not.toContain('HA-KMS1');
  });

  test('GIVEN an acknowledgement on a parent with the plugin namespace THEN it applies', () => {
    const plugin = new HaChecks({ printReport: false });
    const { app, stack } = appWith(plugin);
    Validations.of(stack).acknowledge({
      id: 'HaChecks::HA-KMS1',
      reason: 'keys of this stack are rotated by the key-management pipeline',
    });
    Validations.of(stack).acknowledge({ id: 'HA-RES2', reason: RESTORE_TESTED });
    expect(() => app.synth()).not.toThrow();
    expect(plugin.lastResult!.acknowledged.filter((a) => a.rule === 'HA-KMS1').map((a) => a.acknowledgedAt)).toEqual([
      'Shop',
    ]);
  });

  test('GIVEN the plugin in the deprecated AppProps#policyValidationBeta1 THEN it still checks, and jsii says what replaces it', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { app } = appWith(new HaChecks({ printReport: false }), true);
      expect(() => app.synth()).toThrow(/ERROR Unrotated does not rotate/);
      expect(warn.mock.calls.map((args) => args.join(' ')).join('\n')).toMatch(
        /aws-cdk-lib\.AppProps#policyValidationBeta1 is deprecated[\s\S]*Use `Validations\.of\(app\)\.addPlugins\(\)` instead/,
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('GIVEN failOn warning THEN the warnings that remain fail synthesis, and the report is printed', () => {
    let printed = '';
    const plugin = new HaChecks({
      failOn: 'warning',
      printReport: (text) => {
        printed += text;
      },
    });
    const { app, key } = appWith(plugin);
    Validations.of(key).acknowledge({ id: 'HA-KMS1', reason: 'imported key material' });
    expect(() => app.synth()).toThrow(/WARNING service shop in Shop cannot be shown to meet TIER_3/);
    expect(plugin.lastResult!.report.findings.map((f) => f.rule)).toEqual(['HA-RES2']);
    expect(printed).toContain('WARNING HA-RES2 Shop/service:shop');
  });
});

describe('HaChecks acknowledgements of service-level findings', () => {
  test('GIVEN a service in two stacks WHEN its service-level warning is acknowledged on the other stack THEN it applies', () => {
    const plugin = new HaChecks({ failOn: 'warning', printReport: false });
    const { app, key } = appWith(plugin);
    Validations.of(key).acknowledge({ id: 'HA-KMS1', reason: 'imported key material' });
    const keys = new Stack(app, 'ShopKeys', { env: { region: 'us-east-1' } });
    const standalone = new kms.Key(keys, 'Backups', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    attachHaMetadata(
      standalone,
      { tier: ServiceTier.TIER_3, service: 'shop' },
      { component: 'BackupKeys', failureDomain: FailureDomain.REGION },
    );
    Validations.of(keys).acknowledge({
      id: 'HA-RES2',
      reason: "the keys stack holds no serving resource: its objectives are the Shop stack's",
    });
    expect(() => app.synth()).not.toThrow();
    expect(
      plugin
        .lastResult!.acknowledged.filter((a) => a.rule === 'HA-RES2')
        .map((a) => a.acknowledgedAt)
        .sort(),
    ).toEqual(['ShopKeys']);
    expect(plugin.lastResult!.report.findings).toEqual([]);
  });
});

describe('HaChecks printed report', () => {
  test('GIVEN findings acknowledged on a construct and in the template THEN the printed report lists both apart, with their reasons, as ha-report does', () => {
    let printed = '';
    const plugin = new HaChecks({
      printReport: (text) => {
        printed += text;
      },
    });
    const { app, stack, key } = appWith(plugin);
    Validations.of(key).acknowledge({
      id: 'HA-KMS1',
      reason: 'imported signing key material cannot rotate automatically',
    });
    acknowledgeHaFinding(stack, 'HA-RES2', RESTORE_TESTED);
    expect(() => app.synth()).not.toThrow();
    expect(plugin.lastResult!.report.acknowledged).toEqual([
      expect.objectContaining({ rule: 'HA-RES2', reason: RESTORE_TESTED }),
    ]);
    const block = printed.slice(printed.indexOf('Acknowledged (')).split('\n');
    expect(block[0]).toBe('Acknowledged (2, accepted by the design with a reason; never counted toward --fail-on):');
    expect(block.slice(1, 5)).toEqual([
      expect.stringMatching(/^WARNING HA-RES2 Shop\/service:shop: service shop in Shop cannot be shown to meet TIER_3/),
      `        reason: ${RESTORE_TESTED}`,
      'ERROR   HA-KMS1 Shop/Unrotated: Unrotated does not rotate: set EnableKeyRotation to true',
      '        reason: imported signing key material cannot rotate automatically (acknowledged on Shop/Unrotated)',
    ]);
    expect(printed).toContain('No findings other than the acknowledged ones below.');
    expect(printed.trimEnd().split('\n').pop()).toBe('0 error(s), 0 warning(s), 2 acknowledged');
  });
});
