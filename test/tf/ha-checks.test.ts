import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { HA_ACKNOWLEDGED_KEY, acknowledgeHaFinding, addHaChecks } from '../../lib/tf/aws';
import { addHaChecks as addGoogleHaChecks } from '../../lib/tf/google';

function keyStack(rotate: boolean): { stack: TerraformStack; group: Construct; key: KmsKey } {
  const stack = new TerraformStack(Testing.app(), 'keys');
  const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const group = new Construct(stack, 'Group');
  const key = new KmsKey(group, 'Key', {
    provider,
    enableKeyRotation: rotate,
    deletionWindowInDays: 30,
    lifecycle: { preventDestroy: true },
  });
  return { stack, group, key };
}

function synthError(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synthesis passed');
}

describe('addHaChecks', () => {
  // The key belongs to no service with a tier, so its hygiene findings are warnings: fail on them here.
  test('GIVEN a key that never rotates WHEN synthesized THEN validation fails naming the rule and the Terraform address', () => {
    const { stack } = keyStack(false);
    const checks = addHaChecks(stack, { failOn: 'warning' });

    const message = synthError(stack);

    expect(message).toContain('[keys] HA-KMS1 keys/aws_kms_key.Group_Key_');
    expect(message).toMatch(
      /HA-KMS1 keys\/aws_kms_key\.Group_Key_[0-9A-F]{8}: aws_kms_key\.Group_Key_[0-9A-F]{8} does not rotate: set enable_key_rotation to true/,
    );
    expect(checks.lastResult?.report.findings.map((f) => f.rule)).toEqual(['HA-KMS1']);
  });

  test('GIVEN a rotated key WHEN synthesized THEN validation passes and the report has no finding', () => {
    const { stack } = keyStack(true);
    const checks = addGoogleHaChecks(stack);

    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(checks.lastResult?.report.findings).toEqual([]);
  });

  test('GIVEN the finding acknowledged on a parent construct WHEN synthesized THEN it passes and the acknowledgement is recorded', () => {
    const { stack, group } = keyStack(false);
    const checks = addHaChecks(stack);
    acknowledgeHaFinding(
      group,
      'HA-KMS1',
      'imported key material cannot rotate automatically; rotated by hand every 90 days',
    );

    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(checks.lastResult?.acknowledged).toEqual([
      expect.objectContaining({
        rule: 'HA-KMS1',
        acknowledgedAt: 'keys/Group',
        reason: 'imported key material cannot rotate automatically; rotated by hand every 90 days',
      }),
    ]);
  });

  test('GIVEN acknowledgements on a construct and on the stack THEN the Terraform JSON carries them in the // blocks', () => {
    const { stack, group } = keyStack(false);
    acknowledgeHaFinding(
      group,
      'HA-KMS1',
      'imported key material cannot rotate automatically; rotated by hand every 90 days',
    );
    acknowledgeHaFinding(stack, 'HA-AUD2', 'the organization trail of the management account covers this account');
    Testing.synth(stack, true);

    const json = stack.toTerraform() as {
      '//': Record<string, unknown>;
      resource: { aws_kms_key: Record<string, { '//': Record<string, unknown> }> };
    };
    expect(Object.values(json.resource.aws_kms_key)[0]['//'][HA_ACKNOWLEDGED_KEY]).toEqual({
      'HA-KMS1': 'imported key material cannot rotate automatically; rotated by hand every 90 days',
    });
    expect(json['//'][HA_ACKNOWLEDGED_KEY]).toEqual({
      'HA-AUD2': 'the organization trail of the management account covers this account',
    });
  });

  test('GIVEN an acknowledgement of another rule WHEN synthesized THEN the finding still fails', () => {
    const { stack, key } = keyStack(false);
    addHaChecks(stack, { failOn: 'warning' });
    acknowledgeHaFinding(key, 'HA-ENC1', 'the key itself is the customer-managed key of the stack');

    expect(synthError(stack)).toContain('HA-KMS1');
  });

  test('GIVEN no tier declared WHEN synthesized at the default failOn THEN the unrotated key is a warning, not an error', () => {
    const { stack } = keyStack(false);
    const checks = addHaChecks(stack);

    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(checks.lastResult?.report.findings.map((f) => `${f.level} ${f.rule}`)).toEqual(['warning HA-KMS1']);
  });

  test("GIVEN failOn 'never' WHEN synthesized THEN it passes and the finding is a warning on the resource", () => {
    const { stack, key } = keyStack(false);
    addHaChecks(stack, { failOn: 'never' });

    Testing.synth(stack, true);
    Testing.synth(stack, true);

    const warnings = key.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^HA-KMS1 keys\/aws_kms_key\.Group_Key_[0-9A-F]{8}: /)]);
  });

  test('GIVEN addHaChecks called twice WHEN synthesized THEN the stack is checked once', () => {
    const { stack } = keyStack(false);
    const first = addHaChecks(stack, { failOn: 'warning' });

    expect(addHaChecks(stack, { failOn: 'never' })).toBe(first);
    expect(synthError(stack).match(/HA-KMS1 /g)).toHaveLength(1);
  });

  test('GIVEN a vague reason WHEN acknowledging THEN it throws', () => {
    const { key } = keyStack(false);

    expect(() => acknowledgeHaFinding(key, 'HA-KMS1', 'ok')).toThrow(
      "reason must say why HA-KMS1 is accepted (at least 20 characters), got: 'ok'",
    );
    expect(() => acknowledgeHaFinding(key, 'KMS1', 'imported key material cannot rotate')).toThrow(
      'rule must be an HA rule id (HA-<AREA><n>), got: KMS1',
    );
  });
});
