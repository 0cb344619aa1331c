import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addTier1EcsWarmStandby } from '../../examples/tier1-ecs-warm-standby';
import { checkInputs } from '../../lib/checks/check';
import { GraphInputs } from '../../lib/checks/graph/load';
import { DerivationStep, ServiceReport } from '../../lib/checks/report';
import { CorroboratedPromotion } from '../../lib/checks/rules';
import { DRILL_MEASUREMENTS_METADATA_KEY, FAILOVER_STEP_METADATA_KEY, staticallyStableCapacity } from '../../lib/core';
import { daysAgo } from '../checks/fixtures/drill-measurements';
import { nagErrors } from '../nag';
import { STATEFUL_RESOURCE_TYPES, statefulProblemsOfApp } from '../stateful';
import { cdkJsonApp } from '../util';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type TemplateJson = { Resources: Record<string, Resource> };

const STACK_IDS = [
  'Tier1Ecs-us-west-2-Keys',
  'Tier1Ecs-us-east-1-Images',
  'Tier1Ecs-us-east-1',
  'Tier1Ecs-us-west-2',
  'Tier1Ecs-us-east-2-Witness',
  'Tier1Ecs-Dns',
];
const DOMAIN = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

// One synthesis of the example for the whole file, as `npx cdk synth` does it (the repository's cdk.json); its
// snapshots and Control Tower controls are test/examples/examples.test.ts's and control-tower.test.ts's, as the others'.
let app: App;
let assembly: CloudAssembly;
const templates: Record<string, TemplateJson> = {};

beforeAll(() => {
  app = cdkJsonApp();
  addTier1EcsWarmStandby(app, DOMAIN);
  assembly = app.synth();
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = stack.template as TemplateJson;
  }
});

/** The example as the checks read it, after `change` on a deep copy of its templates. */
function report(change: (t: Record<string, TemplateJson>) => void = () => undefined): ServiceReport {
  const copies = JSON.parse(JSON.stringify(templates)) as Record<string, TemplateJson>;
  change(copies);
  const inputs: GraphInputs = {
    cloudFormation: STACK_IDS.map((name) => ({
      name,
      region: assembly.getStackByName(name).environment.region,
      template: copies[name],
    })),
  };
  const [service] = checkInputs(inputs).services;
  return service;
}

const regionRto = (r: ServiceReport): DerivationStep[] => r.derivation.filter((d) => d.quantity === 'regionRto');
const sumStep = (r: ServiceReport) => regionRto(r)[regionRto(r).length - 1];

function resourcesOf(stackId: string, type: string): [string, Resource][] {
  return Object.entries(templates[stackId].Resources).filter(([, r]) => r.Type === type);
}

/** The standby's ECS service and its scalable target. */
function standbyService(t: Record<string, TemplateJson>): { service: Resource; target: Resource } {
  const resources = Object.values(t['Tier1Ecs-us-west-2'].Resources);
  return {
    service: resources.find((r) => r.Type === 'AWS::ECS::Service')!,
    target: resources.find((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget')!,
  };
}

describe('TIER_1 warm standby on ECS Fargate', () => {
  test('pass cdk-nag AwsSolutions and NIST 800-53 rev 5, and retain every stateful resource', () => {
    expect(nagErrors(app)).toEqual([]);
    expect(statefulProblemsOfApp(app)).toEqual([]);
  });

  test('both regions run the statically stable task count over three AZs: the standby launches nothing to take over', () => {
    const tasks = staticallyStableCapacity(6, 3).total;
    for (const stackId of ['Tier1Ecs-us-east-1', 'Tier1Ecs-us-west-2']) {
      const template = Template.fromJSON(templates[stackId]);
      template.hasResourceProperties('AWS::ECS::Service', {
        DesiredCount: tasks,
        LaunchType: 'FARGATE',
        DeploymentConfiguration: Match.objectLike({
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          Alarms: Match.objectLike({ Enable: true, Rollback: true }),
        }),
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: tasks,
        MaxCapacity: 18,
      });
    }
  });

  test('the standby pulls the image by digest from the replica in its own region, which the primary replicates there', () => {
    const [[, definition]] = resourcesOf('Tier1Ecs-us-west-2', 'AWS::ECS::TaskDefinition');
    const image = JSON.stringify((definition.Properties!.ContainerDefinitions as Record<string, unknown>[])[0].Image);
    expect(image).toContain('.dkr.ecr.us-west-2.');
    expect(image).toMatch(/invoices\/api@sha256:[0-9a-f]{64}/);
    Template.fromJSON(templates['Tier1Ecs-us-east-1-Images']).hasResourceProperties(
      'AWS::ECR::ReplicationConfiguration',
      {
        ReplicationConfiguration: {
          Rules: [Match.objectLike({ Destinations: [Match.objectLike({ Region: 'us-west-2' })] })],
        },
      },
    );
    Template.fromJSON(templates['Tier1Ecs-us-west-2-Keys']).hasResourceProperties(
      'AWS::ECR::RepositoryCreationTemplate',
      Match.objectLike({ Prefix: 'invoices/api', ImageTagMutability: 'IMMUTABLE' }),
    );
  });

  test('the load balancer and the container check the shallow path; only Route 53 checks the deep one', () => {
    for (const stackId of ['Tier1Ecs-us-east-1', 'Tier1Ecs-us-west-2']) {
      const template = Template.fromJSON(templates[stackId]);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health/live' });
      const [[, definition]] = resourcesOf(stackId, 'AWS::ECS::TaskDefinition');
      const container = (definition.Properties!.ContainerDefinitions as Record<string, unknown>[])[0];
      expect(JSON.stringify(container.HealthCheck)).toContain('/health/live');
    }
    Template.fromJSON(templates['Tier1Ecs-Dns']).hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ ResourcePath: '/health/ready' }),
    });
  });

  test("in us-west-2, a probe of us-east-1's own name starts the promotion after five failed minutes", () => {
    const alarms = resourcesOf('Tier1Ecs-us-west-2', 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('ServingRegionLost'),
    );
    expect(alarms.map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        TreatMissingData: 'notBreaching',
      }),
    ]);
    const [[, rule]] = resourcesOf('Tier1Ecs-us-west-2', 'AWS::Events::Rule');
    expect(JSON.stringify(rule.Properties!.EventPattern)).toContain(alarms[0][0]);
    const documents = resourcesOf('Tier1Ecs-us-west-2', 'AWS::SSM::Document').map(
      ([, d]) => d.Metadata?.[FAILOVER_STEP_METADATA_KEY],
    );
    expect(documents).toContainEqual(expect.objectContaining({ step: 'promotion', startedBy: 'alarm' }));
  });

  test('in the HA report: region RTO known but for the promotion; AZ RTO (gray AZ) unproven, availability met', () => {
    const service = report();
    expect(service).toMatchObject({ service: 'invoices', tier: 'TIER_1', regionRtoSeconds: null });
    expect(service.status).toEqual({
      azRto: 'unproven',
      azRpo: 'met',
      regionRto: 'unproven',
      regionRpo: 'met',
      // rds.global_db_rpo blocks us-east-1's commits only while us-west-2 and us-east-2 both lag more than 60 s.
      availability: 'met',
    });
    // detection 36 s + max(TTL 60 s, alarm 360 s and its witness 360 s, read every 10 s + promotion ? (AWS: "about
    // a minute", no bound) + the standby's deep check passing 30 s + TTL 60 s): 496 s known, 556 s with the minute.
    expect(service.lowerBounds.regionRto).toBe(496);
    expect(sumStep(service).basis).toMatch(
      /^detection 36 s \+ max\(TTL 60 s, decision 370 s \+ max\(promotion \? \+ 0 s \+ standby rejoins 90 s, scale-up 0 s\)\)/,
    );
    // The Compute SLA covers the tasks (in three AZs), Elastic Load Balancing and Aurora the rest; with secondaries
    // in two regions the writer's managed RPO puts neither in series.
    const availability = service.derivation.filter((d) => d.quantity === 'availability');
    expect(service.availability).toBeCloseTo(0.9999 ** 3, 10);
    expect(availability.filter((d) => d.value === undefined)).toEqual([]);
  });

  test('WHEN the standby runs one task per AZ and no runbook scales it THEN nothing starts the scale-up: not met', () => {
    const scaledDown = report((t) => {
      const { service, target } = standbyService(t);
      service.Properties!.DesiredCount = 3;
      target.Properties!.MinCapacity = 3;
    });
    expect(scaledDown.status.regionRto).toBe('not-met');
    expect(regionRto(scaledDown).map((s) => s.basis)).toContain(
      'nothing starts the scale-up: no runbook in the templates performs it, so the standby region never takes over',
    );
    const scaleUp = regionRto(scaledDown).find((s) => s.basis.startsWith('ECS service scales from 3 to 9 tasks'))!;
    expect(scaleUp.value).toBeUndefined();
    expect(scaleUp.basis).toContain('Fargate publishes no task launch time and does not reserve capacity');
  });

  test('WHEN a scale-up runbook started by the same alarm scales it THEN the scale-up is unknown: unproven', () => {
    const scaledDown = report((t) => {
      const { service, target } = standbyService(t);
      service.Properties!.DesiredCount = 3;
      target.Properties!.MinCapacity = 3;
      const [rule] = Object.values(t['Tier1Ecs-us-west-2'].Resources).filter((r) => r.Type === 'AWS::Events::Rule');
      const targets = rule.Properties!.Targets as { Arn: unknown }[];
      t['Tier1Ecs-us-west-2'].Resources.ScaleStandbyService = {
        Type: 'AWS::SSM::Document',
        Properties: { DocumentType: 'Automation', Content: {} },
        Metadata: { [FAILOVER_STEP_METADATA_KEY]: { step: 'scale-up', startedBy: 'alarm' } },
      };
      targets.push({ Arn: { Ref: 'ScaleStandbyService' } });
    });
    expect(scaledDown.status.regionRto).toBe('unproven');
    expect(scaledDown.lowerBounds.regionRto).toBe(496);
    expect(sumStep(scaledDown).basis).toContain('scale-up ? + 0 s');
  });
});

describe('TIER_1 ECS example: the promotion waits for a witness in us-east-2', () => {
  const witnessName = 'invoices-us-east-1-lost-seen-from-us-east-2';

  test("THEN us-east-2 probes us-east-1's own name, and us-west-2's promotion reads that alarm first", () => {
    const [[, canary]] = resourcesOf('Tier1Ecs-us-east-2-Witness', 'AWS::Synthetics::Canary');
    expect(JSON.stringify(canary.Properties!.RunConfig)).toContain('invoices-us-east-1.example.com/health/ready');
    const [[, alarm]] = resourcesOf('Tier1Ecs-us-east-2-Witness', 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('ServingRegionLost'),
    );
    expect(alarm.Properties).toMatchObject({
      AlarmName: witnessName,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'notBreaching',
    });
    const promotion = resourcesOf('Tier1Ecs-us-west-2', 'AWS::SSM::Document')
      .map(([, d]) => d)
      .find((d) => (d.Metadata?.[FAILOVER_STEP_METADATA_KEY] as { step?: string } | undefined)?.step === 'promotion')!;
    expect(promotion.Metadata![FAILOVER_STEP_METADATA_KEY]).toMatchObject({
      // A chain the witness restarted on a missed run: 60 s × (5 + 1).
      witness: { region: 'us-east-2', alarmName: witnessName, waitSeconds: 360 },
    });
    const content = promotion.Properties!.Content as { mainSteps: { name: string }[] };
    expect(content.mainSteps[0].name).toBe('WaitForWitness');
  });

  test('THEN the report counts the witness: the decision is the later alarm plus one read', () => {
    const decision = regionRto(report()).find((s) => s.basis.includes('the promotion goes on once the witness'))!;
    expect(decision.value).toBe(370);
    expect(decision.basis).toContain(`the witness alarm ${witnessName} in us-east-2 (another vantage point)`);
  });

  test('THEN HA-DR10 finds the witness probing what the trigger probes; probing another name fails it', () => {
    const inputs = (change: (t: Record<string, TemplateJson>) => void = () => undefined): GraphInputs => {
      const copies = JSON.parse(JSON.stringify(templates)) as Record<string, TemplateJson>;
      change(copies);
      return {
        cloudFormation: STACK_IDS.map((name) => ({
          name,
          region: assembly.getStackByName(name).environment.region,
          template: copies[name],
        })),
      };
    };
    const judged = checkInputs(inputs(), { rules: [CorroboratedPromotion] });
    expect(judged.findings).toEqual([]);
    expect(judged.unchecked ?? []).toEqual([]);
    const elsewhere = checkInputs(
      inputs((t) => {
        const [canary] = Object.values(t['Tier1Ecs-us-east-2-Witness'].Resources).filter(
          (r) => r.Type === 'AWS::Synthetics::Canary',
        );
        const run = canary.Properties!.RunConfig as { EnvironmentVariables: Record<string, string> };
        run.EnvironmentVariables.PROBE_URL = 'https://invoices.example.com/health/ready';
      }),
      { rules: [CorroboratedPromotion] },
    );
    expect(elsewhere.findings.map((f) => f.message)).toEqual([
      expect.stringContaining(
        'probes https://invoices.example.com/health/ready, the trigger https://invoices-us-east-1',
      ),
    ]);
  });

  test('WHEN the witness stack is not among the analysed templates THEN the decision is unknown', () => {
    const inputs: GraphInputs = {
      cloudFormation: STACK_IDS.filter((name) => !name.includes('Witness')).map((name) => ({
        name,
        region: assembly.getStackByName(name).environment.region,
        template: templates[name],
      })),
    };
    const [service] = checkInputs(inputs).services;
    expect(service.status.regionRto).toBe('unproven');
    expect(regionRto(service).map((s) => s.basis)).toContainEqual(
      expect.stringContaining(
        `for the witness alarm ${witnessName} in us-east-2, which is not in the analysed templates`,
      ),
    );
  });

  test('WHEN the witness takes 9 minutes to fire THEN the promotion may page a person first: unknown', () => {
    const slow = report((t) => {
      const [alarm] = Object.values(t['Tier1Ecs-us-east-2-Witness'].Resources).filter(
        (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === witnessName,
      );
      alarm.Properties!.EvaluationPeriods = 9;
      alarm.Properties!.DatapointsToAlarm = 9;
    });
    expect(slow.status.regionRto).toBe('unproven');
    expect(regionRto(slow).map((s) => s.basis)).toContainEqual(
      expect.stringContaining('fires up to 60 s × (9 + 1) = 600 s after the trigger, longer than the 360 s'),
    );
  });
});

describe('TIER_1 ECS example: a second secondary keeps the managed RPO off one region', () => {
  const secondaries = () =>
    STACK_IDS.flatMap((name) =>
      resourcesOf(name, 'AWS::RDS::DBCluster')
        .filter(([, r]) => r.Properties?.GlobalClusterIdentifier !== undefined)
        .map(([id, r]) => ({ name, id, cluster: r })),
    );
  const availabilitySteps = (r: ServiceReport) => r.derivation.filter((d) => d.quantity === 'availability');

  test('THEN us-east-2 holds a secondary with one reader, under its own key, retained; the primary names both', () => {
    expect(secondaries().map((s) => s.name)).toEqual(['Tier1Ecs-us-west-2', 'Tier1Ecs-us-east-2-Witness']);
    const witness = Template.fromJSON(templates['Tier1Ecs-us-east-2-Witness']);
    witness.resourceCountIs('AWS::RDS::DBInstance', 1);
    witness.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        GlobalClusterIdentifier: 'invoices',
        DBClusterIdentifier: 'invoices-us-east-2',
        StorageEncrypted: true,
        DeletionProtection: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
      }),
    });
    witness.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
    // The database's network has no ingress at all: no compute runs here.
    const [group] = resourcesOf('Tier1Ecs-us-east-2-Witness', 'AWS::EC2::SecurityGroup').filter(([id]) =>
      id.startsWith('DatabaseSecurityGroup'),
    );
    expect(group[1].Properties?.SecurityGroupIngress).toBeUndefined();
    expect(resourcesOf('Tier1Ecs-us-east-2-Witness', 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
    // The secret is replicated to the failover target only, and the witness deploys after the global cluster exists.
    const [, secret] = resourcesOf('Tier1Ecs-us-east-1', 'AWS::SecretsManager::Secret')[0];
    expect((secret.Properties!.ReplicaRegions as { Region: string }[]).map((r) => r.Region)).toEqual(['us-west-2']);
    expect(assembly.getStackByName('Tier1Ecs-us-east-2-Witness').dependencies.map((d) => d.id)).toContain(
      'Tier1Ecs-us-east-1',
    );
  });

  test('WHEN the us-east-2 secondary is headless THEN the report does not count it: availability unproven', () => {
    const headless = report((t) => {
      const resources = t['Tier1Ecs-us-east-2-Witness'].Resources;
      for (const [id, r] of Object.entries(resources)) {
        if (r.Type === 'AWS::RDS::DBInstance') {
          delete resources[id];
        }
      }
    });
    expect(headless.status.availability).toBe('unproven');
    expect(availabilitySteps(headless).filter((d) => d.value === undefined)).toEqual([
      expect.objectContaining({
        resource: expect.stringMatching(/^DatabasePrimaryCluster/),
        basis: expect.stringMatching(
          /secondary region with an instance \(us-west-2\) lags more.*the headless secondary in us-east-2 does not count/,
        ),
      }),
    ]);
  });

  test('WHEN the witness stack is not among the analysed templates THEN us-west-2 is in series: unproven', () => {
    const inputs: GraphInputs = {
      cloudFormation: STACK_IDS.filter((name) => !name.includes('Witness')).map((name) => ({
        name,
        region: assembly.getStackByName(name).environment.region,
        template: templates[name],
      })),
    };
    const [service] = checkInputs(inputs).services;
    expect(service.status.availability).toBe('unproven');
    expect(availabilitySteps(service).map((d) => d.basis)).toContainEqual(
      expect.stringContaining('an outage of us-west-2, or of the path to it, longer than 60 s'),
    );
  });
});

describe('TIER_1 ECS example with a scaled-down standby whose scale-up a drill measured', () => {
  test('WHEN a fresh drill measured the ECS scale-up THEN it bounds the step and the region RTO is proven', () => {
    const measured = report((t) => {
      const { service, target } = standbyService(t);
      service.Properties!.DesiredCount = 3;
      target.Properties!.MinCapacity = 3;
      const resources = t['Tier1Ecs-us-west-2'].Resources;
      const [rule] = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
      resources.ScaleStandbyService = {
        Type: 'AWS::SSM::Document',
        Properties: { DocumentType: 'Automation', Content: {} },
        Metadata: { [FAILOVER_STEP_METADATA_KEY]: { step: 'scale-up', startedBy: 'alarm' } },
      };
      (rule.Properties!.Targets as { Arn: unknown }[]).push({ Arn: { Ref: 'ScaleStandbyService' } });
      // What recordDrillMeasurement(standby.service, ...) writes on the ECS service.
      service.Metadata = {
        ...service.Metadata,
        [DRILL_MEASUREMENTS_METADATA_KEY]: {
          'scale-up': { seconds: 240, measuredOn: daysAgo(10), drill: 'RegionEvacuationDrill experiment EXP1a2b3c' },
        },
      };
      // ... and what it writes on the secondary cluster for the promotion, which AWS publishes no bound for.
      const [cluster] = Object.values(resources).filter((r) => r.Type === 'AWS::RDS::DBCluster');
      cluster.Metadata = {
        ...cluster.Metadata,
        [DRILL_MEASUREMENTS_METADATA_KEY]: {
          promotion: { seconds: 60, measuredOn: daysAgo(10), drill: 'RegionEvacuationDrill experiment EXP1a2b3c' },
        },
      };
    });
    const scaleUp = regionRto(measured).find((s) => s.basis.startsWith('ECS service scales from 3 to 9 tasks'))!;
    expect(scaleUp).toMatchObject({ value: 240, measurement: expect.objectContaining({ status: 'fresh' }) });
    // detection 36 s + max(TTL 60 s, alarm and witness 370 s + max(promotion 60 s + rejoin 90 s, scale-up 240 s))
    expect(measured).toMatchObject({ regionRtoSeconds: 36 + 370 + 240, status: { regionRto: 'met' } });
  });
});

describe('TIER_1 ECS example weakened to a pilot light', () => {
  test('WHEN the standby runs no task THEN the standby rejoins DNS only after the unknown scale-up', () => {
    const pilotLight = report((t) => {
      const { service, target } = standbyService(t);
      service.Properties!.DesiredCount = 0;
      target.Properties!.MinCapacity = 0;
    });
    expect(pilotLight.status.regionRto).not.toBe('met');
    expect(sumStep(pilotLight).basis).toContain('max(promotion ? + 0 s, scale-up ? + 0 s) + standby rejoins 90 s');
    expect(regionRto(pilotLight).map((s) => s.basis)).toContainEqual(
      expect.stringMatching(/^the standby starts with no instance, so its health check fails until it serves/),
    );
  });
});

describe('TIER_1 ECS example after a failover (activeRegion=us-west-2)', () => {
  let after: Record<string, TemplateJson>;
  beforeAll(() => {
    const failedOver = cdkJsonApp({ context: { activeRegion: 'us-west-2' } });
    addTier1EcsWarmStandby(failedOver, DOMAIN);
    after = Object.fromEntries(failedOver.synth().stacks.map((s) => [s.stackName, s.template as TemplateJson]));
  });

  test('THEN no stateful resource is replaced or deleted: the next deploy keeps the data, keys and images', () => {
    const lossy = [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_DESTROY];
    const found: string[] = [];
    for (const name of STACK_IDS) {
      fullDiff(templates[name], after[name]).resources.forEachDifference((id, change) => {
        const type = change.oldResourceType ?? change.newResourceType ?? '';
        const member = type === 'AWS::RDS::DBInstance'; // instances of a cluster hold no data of their own
        if (lossy.includes(change.changeImpact) && STATEFUL_RESOURCE_TYPES.includes(type) && !member) {
          found.push(`${name}/${id} (${type}): ${change.changeImpact}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  test('THEN us-west-2 is DNS PRIMARY, us-east-1 stands by with the alarm and the failback, and the report still bounds the region RTO as before', () => {
    const records = Object.values(after['Tier1Ecs-Dns'].Resources).filter(
      (r) => r.Type === 'AWS::Route53::RecordSet' && r.Properties?.Failover === 'PRIMARY',
    );
    expect(records.map((r) => r.Properties!.SetIdentifier)).toEqual([expect.stringContaining('us-west-2')]);
    const east = Object.entries(after['Tier1Ecs-us-east-1'].Resources);
    expect(east.some(([id]) => id.startsWith('ServingRegionLost'))).toBe(true);
    expect(Object.keys(after['Tier1Ecs-us-west-2'].Resources).some((id) => id.startsWith('ServingRegionLost'))).toBe(
      false,
    );
    // The witness now watches us-west-2, and us-east-1's failback reads it under its new name.
    const [canary] = Object.values(after['Tier1Ecs-us-east-2-Witness'].Resources).filter(
      (r) => r.Type === 'AWS::Synthetics::Canary',
    );
    expect(JSON.stringify(canary.Properties!.RunConfig)).toContain('invoices-us-west-2.example.com/health/ready');
    const failback = Object.values(after['Tier1Ecs-us-east-1'].Resources).find(
      (r) => (r.Metadata?.[FAILOVER_STEP_METADATA_KEY] as { step?: string } | undefined)?.step === 'promotion',
    )!;
    expect(failback.Metadata![FAILOVER_STEP_METADATA_KEY]).toMatchObject({
      witness: { region: 'us-east-2', alarmName: 'invoices-us-west-2-lost-seen-from-us-east-2' },
    });
    const service = report((t) => Object.assign(t, JSON.parse(JSON.stringify(after))));
    // Serving, us-west-2's cluster carries rds.global_db_rpo; its secondaries are us-east-1's and us-east-2's.
    expect(service).toMatchObject({
      lowerBounds: { regionRto: 496 },
      status: { regionRto: 'unproven', regionRpo: 'met', availability: 'met' },
    });
    // The witness's replication-lag alarm follows the writer.
    const [lag] = Object.values(after['Tier1Ecs-us-east-2-Witness'].Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'AuroraGlobalDBReplicationLag',
    );
    expect(lag.Properties!.Dimensions).toContainEqual({ Name: 'SourceRegion', Value: 'us-west-2' });
  });
});
