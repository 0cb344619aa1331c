import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TerraformStack, Testing } from 'cdktf';
import { ResilientFleet } from '../../lib/aws/fleet';
import { checkInputs } from '../../lib/checks/check';
import { ZonalImpairmentDetection } from '../../lib/checks/rules/az/ZonalImpairmentDetection';
import { ServiceTier } from '../../lib/core';
import { ResilientFleet as TfResilientFleet } from '../../lib/tf/aws/fleet';
import { testApp } from '../util';

/*
 * The report and HA-AZ4 read the Terraform fleet's gray-failure detection and shift as they read the
 * CDK fleet's: the same derivation from the same plan, and the same verdicts when a piece is removed.
 */

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const FLEET = {
  tier: ServiceTier.TIER_1,
  service: 'orders',
  requiredCapacity: 6,
  maxCapacity: 12,
};

type Json = Record<string, Record<string, Record<string, unknown>>>;

/**
 * A TIER_1 Terraform fleet whose subnets are resources of the same configuration (literal AZs), or
 * with `literalIds`, subnets named by their ids (their AZs known at plan time only).
 */
function terraformFleet(literalIds = false): Json {
  const stack = new TerraformStack(Testing.app(), 'orders');
  const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const subnet = (kind: string, zone: string, i: number) =>
    literalIds
      ? `subnet-${kind.toLowerCase()}${i}`
      : new Subnet(stack, `${kind}${i}`, {
          provider,
          vpcId: 'vpc-1',
          cidrBlock: `10.0.${kind === 'Public' ? i : 10 + i}.0/24`,
          availabilityZone: zone,
        }).id;
  new TfResilientFleet(stack, 'Fleet', {
    ...FLEET,
    provider,
    vpcId: 'vpc-1',
    subnetIds: ZONES.map((zone, i) => subnet('Private', zone, i)),
    loadBalancerSubnetIds: ZONES.map((zone, i) => subnet('Public', zone, i)),
    imageId: 'ami-0123456789abcdef0',
    instanceTypes: ['m7g.large', 'm6g.large'],
    certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    accessLogsBucket: 'orders-alb-logs',
  });
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

const terraform = terraformFleet();

/** The same intent on CloudFormation. */
const cloudFormation = (() => {
  const app = testApp();
  const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  new ResilientFleet(stack, 'Fleet', {
    ...FLEET,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
  });
  return app.synth().getStackByName('Orders').template;
})();

/** The configuration without the resources of these types. */
function without(...types: string[]): Json {
  const copy: Json = JSON.parse(JSON.stringify(terraform));
  for (const type of types) delete copy.resource[type];
  return copy;
}

function grayOf(report: ReturnType<typeof checkInputs>) {
  const [service] = report.services;
  return {
    service,
    gray: service.derivation.filter((s) => s.basis.startsWith('gray failure')).map((s) => [s.value, s.basis]),
    findings: report.findings.map((f) => `${f.rule} ${f.message}`),
  };
}

const checkTf = (json: Json) =>
  grayOf(checkInputs({ terraform: [{ name: 'orders', json }] }, { rules: [ZonalImpairmentDetection] }));

describe("the report reads the Terraform ResilientFleet's gray-failure detection and shift", () => {
  test('as synthesized: HA-AZ4 passes, and the AZ RTO is derived as for the CDK fleet', () => {
    const tf = checkTf(terraform);
    const cfn = grayOf(
      checkInputs(
        { cloudFormation: [{ name: 'Orders', region: 'us-east-1', template: cloudFormation }] },
        { rules: [ZonalImpairmentDetection] },
      ),
    );
    expect(tf.findings).toEqual([]);
    expect(cfn.findings).toEqual([]);
    expect(tf.service.status.azRto).toBe('unproven');
    expect(tf.service.lowerBounds.azRto).toBe(120);
    expect(tf.gray.map(([value]) => value)).toEqual([60, undefined, 60, 120]);
    // The AZs are read through the aws_subnet data sources to the subnets' literal zones.
    expect(tf.gray[0][1]).toContain(`the per-AZ alarms of ${ZONES.join(', ')} fire after 2 breaching periods of 60 s`);
    expect(tf.gray[1][1]).toMatch(
      /zonal shift: aws_ssm_document\.Fleet_ZonalShift_Runbook_[0-9A-F]{8} starts an ARC zonal shift/,
    );
    // Step for step the CloudFormation derivation, but for the runbook's address.
    const named = (steps: (string | number | undefined)[][]) =>
      steps.map(([value, basis]) => [value, String(basis).replace(/zonal shift: \S+ starts/, 'zonal shift: X starts')]);
    const failStopOf = (basis: unknown) => String(basis).replace(/fail-stop\) takes \d+ s/, 'fail-stop) takes ? s');
    expect(named(tf.gray).map(([v, b]) => [v, failStopOf(b)])).toEqual(
      named(cfn.gray).map(([v, b]) => [v, failStopOf(b)]),
    );
  });

  test('WHEN the composite alarms are removed THEN HA-AZ4 fires and the gray-failure AZ RTO is unknown', () => {
    const { service, gray, findings } = checkTf(without('aws_cloudwatch_composite_alarm'));
    expect(gray).toEqual([[undefined, expect.stringContaining('no per-AZ alarm reads its per-AZ metrics')]]);
    expect(service.status.azRto).toBe('unproven');
    expect(service.azRtoSeconds).toBeNull();
    expect(findings).toEqual([
      expect.stringMatching(/^HA-AZ4 .*aws_lb\.Fleet_LoadBalancer_[0-9A-F]{8} has no per-AZ alarm/),
    ]);
  });

  test('WHEN the per-AZ metric alarms are removed THEN nothing detects a gray failure either', () => {
    const { gray, findings } = checkTf(without('aws_cloudwatch_metric_alarm'));
    expect(gray).toEqual([[undefined, expect.stringContaining('no per-AZ alarm reads its per-AZ metrics')]]);
    expect(findings).toEqual([expect.stringMatching(/^HA-AZ4 .*has no per-AZ alarm/)]);
  });

  test.each(['aws_cloudwatch_event_target', 'aws_cloudwatch_event_rule', 'aws_ssm_document'])(
    'WHEN %s is removed THEN a person must start the shift, and HA-AZ4 says so',
    (type) => {
      const { gray, findings } = checkTf(without(type));
      expect(gray[1]).toEqual([undefined, expect.stringContaining('nothing in the templates starts one')]);
      expect(findings).toEqual([expect.stringMatching(/^HA-AZ4 .*start no zonal shift/)]);
    },
  );

  /** The configuration without the alarms of its third AZ. */
  const withoutZone2 = (json: Json): Json => {
    const copy: Json = JSON.parse(JSON.stringify(json));
    for (const type of ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm']) {
      for (const name of Object.keys(copy.resource[type])) {
        if (name.includes('_Zone2_')) delete copy.resource[type][name];
      }
    }
    return copy;
  };

  test('WHEN the zones of one subnet lose their alarms THEN HA-AZ4 names the unwatched AZ', () => {
    const { findings } = checkTf(withoutZone2(terraform));
    expect(findings).toEqual([expect.stringMatching(/serves from us-east-1c too, where no per-AZ alarm watches it/)]);
  });

  test('GIVEN subnets named by id (AZs read at plan time) THEN each AZ is named and compared by its subnet', () => {
    const literal = terraformFleet(true);
    const { findings, gray } = checkTf(literal);
    expect(findings).toEqual([]);
    expect(gray[0][1]).toContain('the per-AZ alarms of the AZ of subnet-public0, the AZ of subnet-public1, the AZ of ');
    expect(checkTf(withoutZone2(literal)).findings).toEqual([
      expect.stringMatching(/serves from the AZ of subnet-public2 too, where no per-AZ alarm watches it/),
    ]);
  });
});
