import { checkInputs } from '../../../lib/checks/check';
import { formatText } from '../../../lib/checks/format';
import { GraphInputs } from '../../../lib/checks/graph/load';
import {
  BackupRetention,
  ComputeSpansZones,
  CrossZoneLoadBalancing,
  CustomerManagedKeys,
  DeletionProtection,
  HA_RULES,
  LoadBalancerSpansZones,
  MultiAzDatabase,
  RetainStatefulResources,
  SecretRotation,
  StaticallyStableCapacity,
  TlsOnlyDataAccess,
} from '../../../lib/checks/rules';
import { HaRule } from '../../../lib/checks/rules/rule';
import { ServiceTier } from '../../../lib/core';
import { cfn, CfnResource, findings, tf } from '../fixtures/builders';

/*
 * Templates that declare no tier, as hand-written ones do: held to the production baseline (two
 * zones, two instances behind a load balancer, a week of backups), and not to what a tier asks.
 */

const subnet = (zone: string): CfnResource => ({ Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: zone } });
const SUBNETS = { A: subnet('us-east-1a'), B: subnet('us-east-1b'), C: subnet('us-east-1c') };

/** A fleet behind an application or network load balancer, in the subnets named. */
function balancedFleet(options: {
  zones: string[];
  min: number;
  lb?: 'application' | 'network';
  crossZone?: string;
}): Record<string, CfnResource> {
  const refs = options.zones.map((z) => ({ Ref: z }));
  const attributes =
    options.crossZone === undefined ? [] : [{ Key: 'load_balancing.cross_zone.enabled', Value: options.crossZone }];
  return {
    ...SUBNETS,
    Lb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { Type: options.lb ?? 'application', Subnets: refs, LoadBalancerAttributes: attributes },
    },
    Group: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 443, Protocol: 'HTTPS' } },
    Listener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: { Ref: 'Lb' },
        DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Group' } }],
      },
    },
    Fleet: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: String(options.min),
        MaxSize: '6',
        VPCZoneIdentifier: refs,
        TargetGroupARNs: [{ Ref: 'Group' }],
        HealthCheckType: 'ELB',
      },
    },
  };
}

const rulesOn = (rules: HaRule[], inputs: GraphInputs) =>
  rules.flatMap((rule) => findings(rule, inputs)).map((f) => `${f.rule} ${f.resource}: ${f.message}`);

describe('the production baseline, without a tier', () => {
  test.each<[string, GraphInputs, HaRule[], string[]]>([
    [
      'a fleet in one subnet',
      cfn(balancedFleet({ zones: ['A'], min: 2 })),
      [ComputeSpansZones],
      [
        'HA-AZ1 Fleet: Fleet runs in 1 zone(s) (us-east-1a); the production baseline (no tier declared) needs at least 2: add subnets or zones in 1 more',
      ],
    ],
    [
      'a minimum of one instance behind a load balancer',
      cfn(balancedFleet({ zones: ['A', 'B'], min: 1 })),
      [StaticallyStableCapacity, ComputeSpansZones],
      [
        'HA-CAP1 Fleet: Fleet may scale in to 1 instance(s) while serving behind a load balancer: the loss of that instance, or of its zone, ' +
          'is an outage until a replacement launches; set MinSize to at least 2, in two zones',
      ],
    ],
    [
      'two instances in two zones behind a load balancer in two zones',
      cfn(balancedFleet({ zones: ['A', 'B'], min: 2 })),
      [StaticallyStableCapacity, ComputeSpansZones, LoadBalancerSpansZones],
      [],
    ],
    [
      'an ECS service of one task (DesiredCount left out) in three subnets',
      cfn({
        ...SUBNETS,
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: {
            NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [{ Ref: 'A' }, { Ref: 'B' }, { Ref: 'C' }] } },
          },
        },
      }),
      [ComputeSpansZones],
      [
        'HA-AZ1 Service: Service runs 1 task(s), so in 1 zone(s) although its subnets span 3; the production baseline (no tier declared) needs at least 2: run at least 2 tasks (the desired count)',
      ],
    ],
    [
      'a zonal cell: a one-zone network load balancer with cross-zone off, and its fleet',
      cfn(balancedFleet({ zones: ['A'], min: 3, lb: 'network', crossZone: 'false' })),
      [ComputeSpansZones, LoadBalancerSpansZones, CrossZoneLoadBalancing],
      [],
    ],
    [
      'a one-zone network load balancer that does not say it is a cell',
      cfn(balancedFleet({ zones: ['A'], min: 3, lb: 'network' })),
      [LoadBalancerSpansZones],
      [
        'HA-AZ2 Lb: Lb is placed in 1 zone(s); the production baseline (no tier declared) needs subnets in at least 2 zones',
      ],
    ],
    [
      'an Aurora cluster keeping 1 day of backups',
      cfn({
        Db: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 1 } },
      }),
      [BackupRetention],
      [
        'HA-BAK1 Db: Db keeps automated backups for 1 day(s); the production baseline (no tier declared) needs 7: set BackupRetentionPeriod to 7',
      ],
    ],
  ])('GIVEN %s', (_, inputs, rules, expected) => {
    expect(rulesOn(rules, inputs)).toEqual(expected);
  });

  test('GIVEN a tier THEN the tier decides, not the baseline', () => {
    const tiered = cfn(
      { Db: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 7 } } },
      { tier: ServiceTier.TIER_1 },
    );
    expect(rulesOn([BackupRetention], tiered)).toEqual([
      'HA-BAK1 Db: Db keeps automated backups for 7 day(s); TIER_1 needs 35: set BackupRetentionPeriod to 35',
    ]);
  });
});

describe('read replicas and defaults that are not weaknesses', () => {
  const source = {
    Type: 'AWS::RDS::DBInstance',
    Properties: { Engine: 'postgres', MultiAZ: true, StorageEncrypted: true, DeletionProtection: true },
    DeletionPolicy: 'Snapshot',
    UpdateReplacePolicy: 'Snapshot',
  };

  test("GIVEN a read replica of an instance in its region THEN its deletion and key are its source's concern", () => {
    const inputs = cfn({
      Source: source,
      Replica: { Type: 'AWS::RDS::DBInstance', Properties: { SourceDBInstanceIdentifier: { Ref: 'Source' } } },
    });
    const rules = [RetainStatefulResources, DeletionProtection, CustomerManagedKeys];
    expect(rulesOn(rules, inputs).filter((f) => f.includes(' Replica:'))).toEqual([]);
  });

  test('GIVEN a replica of an instance in another region (an ARN) THEN it is judged as a database of its own', () => {
    const inputs = cfn({
      Replica: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { SourceDBInstanceIdentifier: 'arn:aws:rds:eu-west-1:111122223333:db:orders' },
      },
    });
    expect(rulesOn([RetainStatefulResources], inputs)).toEqual([
      expect.stringContaining('HA-DEL1 Replica: Replica has DeletionPolicy Delete (default)'),
    ]);
  });

  test.each([
    ['PostgreSQL 16, default parameter group', { Engine: 'postgres', EngineVersion: '16.3' }, []],
    ['PostgreSQL with the default version', { Engine: 'postgres' }, []],
    ['PostgreSQL 14', { Engine: 'postgres', EngineVersion: '14.12' }, ['HA-TLS1']],
    ['MySQL 8.0', { Engine: 'mysql', EngineVersion: '8.0.39' }, ['HA-TLS1']],
  ])('GIVEN RDS %s THEN TLS is forced by default only where RDS does', (_, properties, expected) => {
    const inputs = cfn({ Db: { Type: 'AWS::RDS::DBInstance', Properties: properties } });
    expect(findings(TlsOnlyDataAccess, inputs).map((f) => f.rule)).toEqual(expected);
  });
});

describe('messages in the words of whoever wrote the template', () => {
  const secret = (metadata?: Record<string, unknown>): CfnResource => ({
    Type: 'AWS::SecretsManager::Secret',
    Properties: {},
    ...(metadata ? { Metadata: metadata } : {}),
  });

  test.each<[string, GraphInputs, string]>([
    [
      'CloudFormation written by hand',
      cfn({ Secret: secret() }),
      'add a rotation schedule (an AWS::SecretsManager::RotationSchedule)',
    ],
    [
      'CloudFormation synthesized by CDK',
      cfn({ Secret: secret({ 'aws:cdk:path': 'App/Secret/Resource' }) }),
      'add a rotation schedule (secret.addRotationSchedule)',
    ],
    [
      'Terraform',
      tf({ aws_secretsmanager_secret: { s: {} } }),
      'add a rotation schedule (aws_secretsmanager_secret_rotation)',
    ],
  ])('GIVEN %s THEN the fix names what its author writes', (_, inputs, fix) => {
    expect(findings(SecretRotation, inputs).map((f) => f.message)).toEqual([expect.stringContaining(fix)]);
  });
});

describe('values the template leaves unknown', () => {
  test('GIVEN MultiAZ from a parameter with no value THEN HA-DB1 reports it not checked, neither a finding nor a pass', () => {
    const template = {
      Parameters: { MultiAZ: { Type: 'String' } },
      Resources: {
        Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', MultiAZ: { Ref: 'MultiAZ' } } },
      },
    };
    const report = checkInputs(
      { cloudFormation: [{ name: 'App', region: 'us-east-1', template }] },
      { rules: [MultiAzDatabase] },
    );
    expect(report.findings).toEqual([]);
    expect(report.unchecked).toEqual([
      {
        rule: 'HA-DB1',
        stack: 'App',
        resource: 'Db',
        why: 'MultiAZ is !Ref MultiAZ, which the template does not resolve: give its value (--parameters) to check it',
      },
    ]);
    expect(formatText(report, false)).toContain(
      'Not checked (1; a value the templates leave unknown, neither a finding nor a pass):\n' +
        '  HA-DB1 App/Db: MultiAZ is !Ref MultiAZ',
    );
  });
});

describe('a template that declares no tier', () => {
  const inputs = cfn(balancedFleet({ zones: ['A'], min: 1 }));

  test('THEN the report opens with what was checked, what needs a tier, and how to declare one', () => {
    const report = checkInputs(inputs);
    expect(report.rulesNeedingTier).toEqual(HA_RULES.filter((r) => r.needsTier).map((r) => r.id));
    expect(report.rulesNeedingTier).toEqual(expect.arrayContaining(['HA-RES1', 'HA-DR1', 'HA-OBS1']));
    const text = formatText(report, false);
    expect(text).toMatch(/^No resource declares a tier .*\n.*Checked against the production baseline instead:\n/);
    expect(text).toContain(`Not run, as they judge a tier's objectives: ${report.rulesNeedingTier!.join(', ')}.\n`);
    expect(text).toContain('or run ha-report --tier TIER_1 [--service <name>].\n');
    expect(text).toContain('\nAvailability (4):\nERROR   HA-AZ1 App/Fleet:');
  });

  test('GIVEN --tier TIER_1 THEN every undeclared resource is one service of that tier, with figures, and tier rules run', () => {
    const report = checkInputs(inputs, { declaredTier: { tier: 'tier_1', service: 'web' } });
    expect(report.services.map((s) => [s.service, s.tier, s.regions])).toEqual([['web', 'TIER_1', ['us-east-1']]]);
    expect(report.rulesNeedingTier).toBeUndefined();
    expect(report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['HA-RES1', 'HA-CAP1', 'HA-AZ1']));
    expect(report.findings.find((f) => f.rule === 'HA-AZ1')?.message).toContain('TIER_1 needs at least 3');
  });

  test('GIVEN --tier with a name that is not a built-in tier THEN the input is refused naming the tiers', () => {
    expect(() => checkInputs(inputs, { declaredTier: { tier: 'GOLD' } })).toThrow(
      '--tier must be one of TIER_0, TIER_1, TIER_2, TIER_3, got: GOLD',
    );
  });
});
