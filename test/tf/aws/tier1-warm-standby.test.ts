import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { FisExperimentTemplate } from '@cdktf/provider-aws/lib/fis-experiment-template';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Testing } from 'cdktf';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, parseHaMetadata } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing';
import { addHaChecks } from '../../../lib/tf/aws';
import { TfAwsTier1WarmStandbyStack, addTfAwsTier1WarmStandby } from '../../../examples/tf-aws-tier1-warm-standby';
import { fullResourcesOf, Json } from './util';

Testing.setupJest();

/**
 * Every resource type of the AWS provider that holds data, with the argument that protects it
 * against deletion in the API (besides `prevent_destroy`, which protects it from Terraform).
 */
const STATEFUL: Record<string, (resource: Json) => boolean> = {
  aws_rds_global_cluster: (r) => r.deletion_protection === true,
  aws_rds_cluster: (r) => r.deletion_protection === true,
  aws_dynamodb_table: (r) =>
    r.deletion_protection_enabled === true &&
    r.replica.every((replica: Json) => replica.deletion_protection_enabled === true),
  aws_cloudwatch_log_group: (r) => r.deletion_protection_enabled === true,
  // KMS and Secrets Manager have no deletion protection: deletion is scheduled, and cancellable for 30 days.
  aws_kms_key: (r) => r.deletion_window_in_days === 30,
  aws_secretsmanager_secret: (r) => r.recovery_window_in_days === 30,
  aws_s3_bucket: (r) => r.force_destroy !== true,
  aws_efs_file_system: () => false,
  aws_db_instance: (r) => r.deletion_protection === true,
};

function synth() {
  const app = Testing.app();
  const stack = addTfAwsTier1WarmStandby(app) as TfAwsTier1WarmStandbyStack;
  return { stack, synthesized: Testing.synth(stack), full: stack.toTerraform() as Json };
}

describe('example tf-aws-tier1-warm-standby', () => {
  const { stack, synthesized, full } = synth();

  test('THEN every stateful resource has prevent_destroy and its deletion protection', () => {
    const resources: Json = JSON.parse(synthesized).resource;
    const stateful = Object.entries(resources)
      .filter(([type]) => type in STATEFUL)
      .flatMap(([type, byName]) =>
        Object.entries(byName as Json).map(([name, r]) => ({ address: `${type}.${name}`, type, r: r as Json })),
      );
    expect(stateful.length).toBeGreaterThanOrEqual(20);
    const unprotected = stateful
      .filter(({ type, r }) => r.lifecycle?.prevent_destroy !== true || !STATEFUL[type](r))
      .map(({ address }) => address);
    expect(unprotected).toEqual([]);
  });

  test('THEN every resource carries a valid HA metadata record in its // block', () => {
    const missing: string[] = [];
    for (const [type, byName] of Object.entries(full.resource as Json)) {
      for (const [name, resource] of Object.entries(byName as Json)) {
        if (!parseHaMetadata((resource as Json)['//']?.[HA_METADATA_KEY])) {
          missing.push(`${type}.${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('THEN the standby fleet is warm (one per AZ) and the primary statically stable', () => {
    expect(stack.primaryFleet.capacity).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
    expect(stack.standbyFleet.capacity).toEqual({ min: 3, desired: 3, max: 18, perAz: 1 });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      provider: 'aws.standby',
      min_size: 3,
      desired_capacity: 3,
    });
  });

  test("THEN the zone drill slows us-east-1a's node, then stops the fleet there and fails its launches", () => {
    const [drill] = Object.values(fullResourcesOf(stack, FisExperimentTemplate));
    const block = drill.action.find((a: Json) => a.name === 'BlockZoneLaunches');
    expect(block.parameter).toContainEqual({ key: 'availabilityZoneIdentifiers', value: 'us-east-1a' });
    const group = drill.target.find((t: Json) => t.name === 'ZoneGroup');
    expect(group.resource_arns).toEqual([
      expect.stringMatching(/^\$\{aws_autoscaling_group\.PrimaryFleet_AutoScalingGroup_[0-9A-F]{8}\.arn\}$/),
    ]);
    // First a gray failure of us-east-1a, judged on that AZ's Impaired alarm (its load balancer subnet is the first).
    expect(drill.action[0].name).toBe('GrayFailure');
    const [verdict] = Object.values(fullResourcesOf(stack, SsmDocument)).filter((d) =>
      /gray-failure-verdict$/.test(d.name),
    );
    expect(JSON.parse(verdict.content).mainSteps[0].inputs.InputPayload).toMatchObject({
      AvailabilityZone: 'us-east-1a',
      AlarmName: expect.stringMatching(
        /^\$\{aws_cloudwatch_composite_alarm\.PrimaryFleet_ZonalDetection_Zone0_Impaired_/,
      ),
    });
  });

  test('THEN the database spans both regions and DNS fails over from us-east-1 to us-west-2', () => {
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      provider: 'aws.standby',
      deletion_protection: true,
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-east-1',
      failover_routing_policy: { type: 'PRIMARY' },
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-west-2',
      failover_routing_policy: { type: 'SECONDARY' },
    });
    expect(stack.dns.failoverSeconds).toBeLessThanOrEqual(900);
  });

  test('THEN the master password is only a sensitive variable, sent write-only', () => {
    const variables = JSON.parse(synthesized).variable;
    expect(variables.db_master_password).toEqual(expect.objectContaining({ sensitive: true, type: 'string' }));
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, { master_password_wo: '${var.db_master_password}' });
    expect(synthesized).not.toContain('"master_password"');
  });

  test('THEN the HA checks run at synthesis: probed, drilled, audited, TLS-only, WAF; region RTO and RPO unproven', () => {
    const checks = addHaChecks(stack);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const report = checks.lastResult!.report;
    expect(report.findings).toEqual([]);
    // The runbooks start the promotion and the scale-up (an operator within 300 s); EC2 publishes no launch time.
    expect(report.services.map((s) => [s.service, s.tier, s.objectivesMet])).toEqual([['orders', 'TIER_1', false]]);
    // The database is held to 60 s (rds.global_db_rpo); the sessions table's eventual consistency has no lag bound.
    // A gray failure behind the primary load balancer: detection > 60 s + zonal shift ? + DNS TTL 60 s.
    // rds.global_db_rpo stops the primary's commits when the standby region is out for longer than 60 s: that region
    // and the path to it are in series with the writes, with no published figure.
    expect(report.services[0].status).toEqual({
      azRto: 'unproven',
      azRpo: 'met',
      regionRto: 'unproven',
      regionRpo: 'unproven',
      availability: 'unproven',
    });
    expect(report.services[0].derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        value: 300,
        resource: expect.stringMatching(/^aws_ssm_document\.Runbooks_PromoteDatabaseDocument_/),
      }),
    );
    expect(report.services[0].lowerBounds.azRto).toBe(120);
    const gray = report.services[0].derivation.filter((s) => s.basis.startsWith('gray failure'));
    expect(gray.map((s) => [s.resource, s.value])).toEqual([
      [expect.stringMatching(/^aws_lb\.PrimaryFleet_LoadBalancer_/), 60],
      [expect.stringMatching(/^aws_lb\.PrimaryFleet_LoadBalancer_/), undefined],
      [expect.stringMatching(/^aws_lb\.PrimaryFleet_LoadBalancer_/), 60],
      [expect.stringMatching(/^aws_lb\.PrimaryFleet_LoadBalancer_/), 120],
    ]);
    expect(gray[0].basis).toContain('the per-AZ alarms of us-east-1a, us-east-1b, us-east-1c fire after 2');
    expect(gray[1].basis).toMatch(/aws_ssm_document\.PrimaryFleet_ZonalShift_Runbook_[0-9A-F]{8} starts an ARC/);
    // HA-AZ4 passes on its own: the primary fleet detects a gray AZ and shifts away from it.
    expect(checks.lastResult!.acknowledged.map((f) => [f.rule, f.resource])).toEqual([['HA-RES2', 'service:orders']]);
  });

  test('THEN only the primary fleet watches its AZs (a standby serves nothing) and its runbook shifts the primary load balancer', () => {
    expect(stack.primaryFleet.zoneImpairedAlarms).toHaveLength(3);
    expect(stack.standbyFleet.zoneImpairedAlarms).toEqual([]);
    expect(stack.standbyFleet.zonalShiftRunbook).toBeUndefined();
    const [runbook] = Object.values(fullResourcesOf(stack, SsmDocument)).filter((d) => /zonal-shift$/.test(d.name));
    expect(runbook.provider).toBe('aws');
    expect(JSON.parse(runbook.content).mainSteps[0].inputs.InputPayload).toEqual({
      AvailabilityZone: '{{ AvailabilityZone }}',
      LoadBalancerArn: expect.stringMatching(/^\$\{aws_lb\.PrimaryFleet_LoadBalancer_[0-9A-F]{8}\.arn\}$/),
      AutoScalingGroupName: expect.stringMatching(/^\$\{aws_autoscaling_group\.PrimaryFleet_AutoScalingGroup_/),
      MinInstancesLeft: 6,
      Unit: 'in-service instances',
      MaxActiveShifts: 1,
      ExpiresIn: '180m',
    });
  });

  test("THEN the standby region's runbooks promote its secondary and scale its fleet to primary capacity", () => {
    expect(stack.runbooks.runbooks.map((r) => r.document.provider?.fqn)).toEqual(['aws.standby', 'aws.standby']);
    const documents = Object.values(fullResourcesOf(stack, SsmDocument)).filter((d) => d.provider === 'aws.standby');
    expect(documents.map((d) => d['//']?.[FAILOVER_STEP_METADATA_KEY])).toEqual([
      { step: 'promotion', startedBy: 'operator', decisionSeconds: 300, createsWriter: false },
      { step: 'scale-up', startedBy: 'operator', decisionSeconds: 300 },
    ]);
    const scale = JSON.parse(documents[1].content);
    expect(scale.parameters).toEqual(
      expect.objectContaining({
        MinSize: expect.objectContaining({ default: 9 }),
        DesiredCapacity: expect.objectContaining({ default: 9 }),
      }),
    );
  });

  test.each([
    ['Probe', /HA-OBS3 tf-aws-tier1-warm-standby\/service:orders: service orders has no synthetic probe/],
    ['AzDrill', /HA-DRL1 tf-aws-tier1-warm-standby\/service:orders: service orders \(TIER_1\) has no drill/],
    [
      'PrimaryFleet/WebAclAssociation',
      /HA-WAF1 tf-aws-tier1-warm-standby\/aws_lb\.PrimaryFleet_LoadBalancer_[0-9A-F]{8}: .* is internet-facing without a rate-based WAF rule/,
    ],
    [
      'Database/PrimaryParameterGroup',
      /HA-TLS1 tf-aws-tier1-warm-standby\/aws_rds_cluster\.Database_Primary_[0-9A-F]{8}: .* accepts connections without TLS/,
    ],
  ])('GIVEN a copy without its %s THEN cdktf synthesis fails naming the rule and what breaks it', (path, message) => {
    const weakened = addTfAwsTier1WarmStandby(Testing.app());
    const parts = path.split('/');
    const parent = parts.length === 1 ? weakened : weakened.node.findChild(parts[0]);
    expect(parent.node.tryRemoveChild(parts[parts.length - 1])).toBe(true);
    expect(() => Testing.synth(weakened, true)).toThrow(message);
  });

  test('THEN it states Terraform 1.11 (the write-only master_password_wo), and keeps local state at a relative path with a warning', () => {
    expect(full.terraform.required_version).toBe('>= 1.11');
    expect(full.terraform.backend).toEqual({ local: { path: '../../../terraform.tf-aws-tier1-warm-standby.tfstate' } });
    expect(stack.node.metadata.map((m) => String(m.data))).toContainEqual(
      expect.stringMatching(/^\[ha-constructs:StateBackend\.local\] .*not for production/),
    );
  });

  test('GIVEN the context values s3StateBucket and s3StateRegion THEN an encrypted S3 backend locked by its lock file', () => {
    const remote = addTfAwsTier1WarmStandby(
      Testing.app({ context: { s3StateBucket: 'orders-terraform-state', s3StateRegion: 'us-east-1' } }),
    );
    expect((remote.toTerraform() as Json).terraform.backend).toEqual({
      s3: {
        bucket: 'orders-terraform-state',
        region: 'us-east-1',
        key: 'terraform/tf-aws-tier1-warm-standby.tfstate',
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(() =>
      addTfAwsTier1WarmStandby(Testing.app({ context: { s3StateBucket: 'orders-terraform-state' } })),
    ).toThrow(/s3StateRegion must name the region/);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('snapshot', () => {
    expect(haSnapshot(full)).toMatchSnapshot();
  });
});
