import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ResilientFleet } from '../../lib/aws/fleet';
import { recommendedApp } from '../util';

// The user data a fleet's instances boot with, as the launch template renders it (Fn::Base64), read
// line by line and run in bash against stand-ins for dnf, the AWS CLI and cfn-signal.

const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

function synth(userData?: ec2.UserData, revisionBucketName?: string) {
  const stack = new Stack(recommendedApp(), 'Svc', { env: { region: 'us-east-1' } });
  const tier = ServiceTier.TIER_1;
  const availabilityZones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const network = new MultiAzNetwork(stack, 'Network', { tier, availabilityZones });
  new ResilientFleet(stack, 'Fleet', {
    tier,
    vpc: network.vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 18,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
    userData,
    revisionBucket: revisionBucketName ? s3.Bucket.fromBucketName(stack, 'Revisions', revisionBucketName) : undefined,
  });
  const template = Template.fromStack(stack);
  const groupId = Object.keys(template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0];
  return { template, groupId };
}

/** The launch template's user data as the instance receives it (every value is known at synthesis here). */
function renderedUserData(template: Template): string {
  const [launchTemplate] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  const encoded = launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64'];
  expect(typeof encoded).toBe('string');
  return encoded;
}

const SIGNAL_TARGET = (groupId: string) => `--stack Svc --resource ${groupId} --region us-east-1`;

describe('ResilientFleet instance bootstrap (Amazon Linux 2023)', () => {
  test('THEN the user data is exactly: signal trap, strict mode, AL2023 packages, the CodeDeploy agent', () => {
    const { template, groupId } = synth();
    expect(renderedUserData(template).split('\n')).toEqual([
      '#!/bin/bash',
      'function exitTrap(){',
      'exitCode=$?',
      'set +e',
      'if [ -x /opt/aws/bin/cfn-signal ]; then',
      `/opt/aws/bin/cfn-signal ${SIGNAL_TARGET(groupId)} -e $exitCode || echo 'Failed to send CloudFormation signal'`,
      'else',
      'if [ $exitCode -eq 0 ]; then signalStatus=SUCCESS; else signalStatus=FAILURE; fi',
      `aws cloudformation signal-resource --stack-name Svc --logical-resource-id ${groupId} --region us-east-1 ` +
        '--unique-id "$(cat /var/lib/cloud/data/instance-id)" --status $signalStatus ' +
        "|| echo 'Failed to send CloudFormation signal'",
      'fi',
      '}',
      'trap exitTrap EXIT',
      'set -euo pipefail',
      'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
      'CODEDEPLOY_INSTALLER_DIR=$(mktemp -d)',
      'aws s3 cp s3://aws-codedeploy-us-east-1/latest/install "$CODEDEPLOY_INSTALLER_DIR/install" --region us-east-1',
      'chmod +x "$CODEDEPLOY_INSTALLER_DIR/install"',
      'AWS_REGION=us-east-1 "$CODEDEPLOY_INSTALLER_DIR/install" auto',
      'rm -rf "$CODEDEPLOY_INSTALLER_DIR"',
    ]);
  });

  test("THEN nothing of aws-cdk-lib's generic installer is left: no yum, no full update, no AL2 package names", () => {
    const { template } = synth();
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/\byum\b/);
    expect(everything).not.toMatch(/\bupdate -y\b/);
    expect(everything).not.toMatch(/install -y [^"]*\baws-cli\b/);
    expect(everything).not.toMatch(/ruby2\.0/);
  });

  test('WHEN the user passes user data THEN theirs runs first, as written, and the bootstrap after it', () => {
    const userData = ec2.UserData.forLinux();
    userData.addCommands('dnf install -y nginx', 'systemctl enable --now nginx');
    const { template } = synth(userData);
    const lines = renderedUserData(template).split('\n');
    const first = lines.indexOf('trap exitTrap EXIT') + 1;
    expect(lines.slice(first, first + 4)).toEqual([
      'dnf install -y nginx',
      'systemctl enable --now nginx',
      'set -euo pipefail',
      'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
    ]);
    // One trap and one signal, however the script was built.
    expect(lines.filter((l) => l.startsWith('trap '))).toEqual(['trap exitTrap EXIT']);
    expect(lines.filter((l) => l.includes('/opt/aws/bin/cfn-signal --stack'))).toHaveLength(1);
  });

  test('THEN the instance role may read the regional agent installer and signal its own stack only', () => {
    const { template } = synth();
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    const roleId = roles.find((id) => id.startsWith('FleetInstanceRole'))!;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'cloudformation:SignalResource',
        Resource: { Ref: 'AWS::StackId' },
      }),
    );
    const s3 = statements.filter((s: { Action: string[] }) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3).toHaveLength(1);
    // What aws-cdk-lib's installAgent granted: read-only, the installers under latest/ only.
    expect(s3[0]).toMatchObject({
      Effect: 'Allow',
      Action: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'],
      Resource: ['arn:aws:s3:::aws-codedeploy-us-east-1', 'arn:aws:s3:::aws-codedeploy-us-east-1/latest/*'],
    });
  });

  test('GIVEN a revision bucket of the region THEN the instances may read it and the deploy runbook deploys from it', () => {
    const { template } = synth(undefined, 'orders-revisions-us-east-1');
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const read = statements.find((st: { Resource: unknown }) =>
      JSON.stringify(st.Resource).includes('orders-revisions-us-east-1'),
    );
    expect(read).toMatchObject({ Effect: 'Allow', Action: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'] });
    expect(JSON.stringify(read.Resource)).toContain('orders-revisions-us-east-1/*');
    const runbook = Object.values(template.findResources('AWS::SSM::Document')).find((d) =>
      JSON.stringify(d.Properties.Content ?? {}).includes('CreateDeployment'),
    );
    expect(runbook!.Properties.Content.parameters.S3Bucket.default).toBe('orders-revisions-us-east-1');
  });
});

/** What the stand-ins were asked to do, one line per call. */
interface BootRun {
  readonly status: number | null;
  readonly calls: string[];
}

/**
 * Runs the rendered user data in bash with `dnf`, `aws` and `cfn-signal` replaced by stand-ins that
 * log their arguments: `dnf` installs a `cfn-signal` unless `dnfFails`; `aws s3 cp` writes an
 * installer that logs its call and fails when `installerFails`.
 */
function boot(script: string, options: { dnfFails?: boolean; installerFails?: boolean } = {}): BootRun {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-boot-'));
  try {
    const bin = path.join(root, 'bin');
    const optBin = path.join(root, 'opt', 'aws', 'bin');
    const log = path.join(root, 'calls.log');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(root, 'instance-id'), 'i-0123456789abcdef0\n');
    const stub = (name: string, body: string) =>
      fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> '${log}'\n${body}\n`, { mode: 0o755 });
    stub(
      'dnf',
      options.dnfFails
        ? 'exit 1'
        : [
            `mkdir -p '${optBin}'`,
            `printf '#!/bin/bash\\necho "cfn-signal $*" >> ${log}\\n' > '${optBin}/cfn-signal'`,
            `chmod +x '${optBin}/cfn-signal'`,
          ].join('\n'),
    );
    stub(
      'aws',
      [
        'if [ "$1 $2" = "s3 cp" ]; then',
        // The installer logs the region it was given and its arguments.
        `  printf '#!/bin/bash\\necho "install $AWS_REGION $*" >> ${log}\\n' > "$4"`,
        `  ${options.installerFails ? 'echo "exit 1" >> "$4"' : 'true'}`,
        'fi',
      ].join('\n'),
    );
    const local = script
      .split('/opt/aws/bin/')
      .join(`${optBin}/`)
      .split('/var/lib/cloud/data/instance-id')
      .join(path.join(root, 'instance-id'));
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: root, TMPDIR: root };
    const result = spawnSync('bash', ['-c', local], { env, encoding: 'utf8' });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: result.status, calls };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `aws s3 cp` of the agent installer into a fresh temporary directory. */
const INSTALLER_COPY = /^aws s3 cp s3:\/\/aws-codedeploy-us-east-1\/latest\/install \S+\/install --region us-east-1$/;

describe('ResilientFleet instance bootstrap, run', () => {
  const { template, groupId } = synth();
  const script = renderedUserData(template);
  const target = SIGNAL_TARGET(groupId);

  test('WHEN every step succeeds THEN the agent is installed and cfn-signal reports exit code 0', () => {
    const run = boot(script);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
      expect.stringMatching(INSTALLER_COPY),
      'install us-east-1 auto',
      `cfn-signal ${target} -e 0`,
    ]);
  });

  test('WHEN the agent installer fails THEN the script stops there and cfn-signal reports the failure at once', () => {
    const run = boot(script, { installerFails: true });
    expect(run.status).toBe(1);
    expect(run.calls).toEqual([
      'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
      expect.stringMatching(INSTALLER_COPY),
      'install us-east-1 auto',
      `cfn-signal ${target} -e 1`,
    ]);
  });

  test('WHEN dnf fails (no cfn-signal yet) THEN the AWS CLI signals FAILURE for this instance', () => {
    const run = boot(script, { dnfFails: true });
    expect(run.status).toBe(1);
    expect(run.calls).toEqual([
      'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
      `aws cloudformation signal-resource --stack-name Svc --logical-resource-id ${groupId} --region us-east-1 ` +
        '--unique-id i-0123456789abcdef0 --status FAILURE',
    ]);
  });
});
