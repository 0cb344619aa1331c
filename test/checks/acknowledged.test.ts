import { checkInputs } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { KeyRotation } from '../../lib/checks/rules';
import { HA_ACKNOWLEDGED_KEY } from '../../lib/core';

const REASON = 'imported key material cannot rotate automatically; rotated by hand every 90 days';

function terraform(resourceAck?: Record<string, string>, stackAck?: Record<string, string>) {
  return {
    ...(stackAck ? { '//': { [HA_ACKNOWLEDGED_KEY]: stackAck } } : {}),
    resource: {
      aws_kms_key: {
        signing: {
          enable_key_rotation: false,
          ...(resourceAck ? { '//': { [HA_ACKNOWLEDGED_KEY]: resourceAck } } : {}),
        },
      },
    },
  };
}

function cloudFormation(resourceAck?: Record<string, string>, stackAck?: Record<string, string>) {
  return {
    ...(stackAck ? { Metadata: { [HA_ACKNOWLEDGED_KEY]: stackAck } } : {}),
    Resources: {
      Signing: {
        Type: 'AWS::KMS::Key',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { EnableKeyRotation: false },
        ...(resourceAck ? { Metadata: { [HA_ACKNOWLEDGED_KEY]: resourceAck } } : {}),
      },
    },
  };
}

describe('acknowledgements written into the synthesized output', () => {
  test.each([
    [
      'Terraform, on the resource',
      { terraform: [{ name: 'keys', json: terraform({ 'HA-KMS1': REASON }) }] },
      'aws_kms_key.signing',
    ],
    [
      'Terraform, on the stack',
      { terraform: [{ name: 'keys', json: terraform(undefined, { 'HA-KMS1': REASON }) }] },
      'aws_kms_key.signing',
    ],
    [
      'CloudFormation, on the resource',
      { cloudFormation: [{ name: 'keys', template: cloudFormation({ 'HA-KMS1': REASON }) }] },
      'Signing',
    ],
    [
      'CloudFormation, on the template',
      { cloudFormation: [{ name: 'keys', template: cloudFormation(undefined, { 'HA-KMS1': REASON }) }] },
      'Signing',
    ],
  ])('GIVEN a finding acknowledged in %s THEN it moves to acknowledged with its reason', (_, inputs, resource) => {
    const report = checkInputs(inputs, { rules: [KeyRotation] });
    expect(report.findings).toEqual([]);
    expect(report.acknowledged).toEqual([
      expect.objectContaining({ rule: 'HA-KMS1', stack: 'keys', resource, reason: REASON }),
    ]);
  });

  test('GIVEN an acknowledgement of another rule THEN the finding stays open', () => {
    const report = checkInputs(
      { terraform: [{ name: 'keys', json: terraform({ 'HA-ENC1': REASON }) }] },
      { rules: [KeyRotation] },
    );
    expect(report.findings.map((f) => f.rule)).toEqual(['HA-KMS1']);
    expect(report.acknowledged).toEqual([]);
  });

  test('GIVEN the CLI on a template whose only error is acknowledged THEN it exits 0 and --json lists the acknowledgement', () => {
    const fs = jest.requireActual<typeof import('fs')>('fs');
    const os = jest.requireActual<typeof import('os')>('os');
    const path = jest.requireActual<typeof import('path')>('path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-ack-'));
    const file = path.join(dir, 'keys.template.json');
    fs.writeFileSync(file, JSON.stringify(cloudFormation({ 'HA-KMS1': REASON })));
    let out = '';
    const code = main([file, '--json'], {
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
      isTty: false,
    });
    const json = JSON.parse(out);
    expect(json.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([]);
    expect(json.acknowledged).toEqual([
      expect.objectContaining({ rule: 'HA-KMS1', resource: 'Signing', reason: REASON }),
    ]);
    expect(code).toBe(0);
  });
});
