import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkInputs } from '../../lib/checks/check';
import { ZonalImpairmentDetection } from '../../lib/checks/rules/az/ZonalImpairmentDetection';
import { ResilientFleet, ServiceTier } from '../../lib';
import { testApp } from '../util';
import { CfnResource } from './fixtures/builders';
import { ZONES, zonalStack } from './fixtures/zonal-detection';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** A TIER_1 fleet with its defaults, synthesized once: what the report reads. */
const synthesized: Template = (() => {
  const app = testApp();
  const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 12,
  });
  return app.synth().getStackByName('Orders').template;
})();

/** The template without the resources of these types. */
function without(...types: string[]): Template {
  const copy: Template = JSON.parse(JSON.stringify(synthesized));
  for (const [id, resource] of Object.entries(copy.Resources)) {
    if (types.includes(resource.Type)) delete copy.Resources[id];
  }
  return copy;
}

function check(template: Template) {
  const result = checkInputs(
    { cloudFormation: [{ name: 'Orders', region: 'us-east-1', template }] },
    { rules: [ZonalImpairmentDetection] },
  );
  const report = result.services[0];
  return {
    report,
    gray: report.derivation.filter((s) => s.basis.startsWith('gray failure')).map((s) => [s.value, s.basis]),
    findings: result.findings.map((f) => `${f.rule} ${f.message}`),
  };
}

describe("the report reads ResilientFleet's gray-failure detection and shift from its template", () => {
  test('as synthesized: detection > 60 s + shift ? + TTL 60 s, all of TIER_1: unproven; fail-stop beside it', () => {
    const { report, gray, findings } = check(synthesized);
    expect(findings).toEqual([]);
    expect(report.status.azRto).toBe('unproven');
    expect(report.lowerBounds.azRto).toBe(120);
    expect(gray.map(([value]) => value)).toEqual([60, undefined, 60, 120]);
    expect(gray[1][1]).toMatch(/zonal shift: FleetZonalShiftRunbook[0-9A-F]{8} starts an ARC zonal shift/);
    // The fail-stop path (the target group's health check) stays in the derivation and in the summary.
    const failStop = report.derivation.find((s) => s.basis.startsWith('target health check'))!;
    expect(failStop.value).toBeLessThanOrEqual(60);
    expect(gray[3][1]).toContain(`an AZ lost outright (fail-stop) takes ${failStop.value} s`);
  });

  test('WHEN the per-AZ composite alarms are removed THEN the report says nothing detects a gray failure', () => {
    const { report, gray, findings } = check(without('AWS::CloudWatch::CompositeAlarm'));
    expect(gray).toEqual([[undefined, expect.stringContaining('no per-AZ alarm reads its per-AZ metrics')]]);
    expect(report.status.azRto).toBe('unproven');
    expect(findings).toEqual([expect.stringMatching(/^HA-AZ4 .*FleetLoadBalancer\w+ has no per-AZ alarm/)]);
  });

  test('WHEN the rules that start the runbook are removed THEN a person must start the shift', () => {
    const { gray, findings } = check(without('AWS::Events::Rule'));
    expect(gray[1]).toEqual([undefined, expect.stringContaining('nothing in the templates starts one')]);
    expect(findings).toEqual([expect.stringMatching(/start no zonal shift/)]);
  });
});

const id = (zone: string) => zone.replace(/-/g, '');

const azRtoOf = (inputs: ReturnType<typeof zonalStack>) => {
  const [report] = checkInputs(inputs, { rules: [] }).services;
  return {
    status: report.status.azRto,
    seconds: report.azRtoSeconds,
    atLeast: report.lowerBounds.azRto,
    steps: report.derivation.filter((s) => s.quantity === 'azRto').map((s) => [s.value, s.basis]),
  };
};

describe('the AZ RTO of a gray failure', () => {
  test('TIER_1 with detection and its shift: more than 60 s + shift + 60 s ≥ 120 s, unproven; each step and its source', () => {
    const { status, seconds, atLeast, steps } = azRtoOf(zonalStack(ServiceTier.TIER_1));
    // The first breaching minute may hold only the failure's first seconds: detection takes more than one period.
    expect({ status, seconds, atLeast }).toEqual({ status: 'unproven', seconds: null, atLeast: 120 });
    const prefix = 'gray failure of an AZ behind this load balancer: ';
    expect(steps).toEqual([
      [
        60,
        `${prefix}detection: the per-AZ alarms of ${ZONES.join(', ')} fire after 2 breaching periods of 60 s, ` +
          "the first of which may hold only the failure's first seconds: more than 60 s (CloudWatch publishes no " +
          'bound on its own delay)',
      ],
      [
        undefined,
        `${prefix}zonal shift: Runbook starts an ARC zonal shift when an AZ's alarm fires; ARC creates it at once ` +
          'but publishes no time for traffic to leave the AZ: unknown',
      ],
      [60, `${prefix}DNS: clients keep the load balancer's answer, with the shifted AZ's node, for its TTL`],
      [
        120,
        `${prefix}detection 60 s + zonal shift ? + DNS TTL 60 s ≥ 120 s: the known part alone takes TIER_1's whole ` +
          'AZ RTO of 120 s, so it is met only if the zonal shift and the alarm evaluation took no time: unproven ' +
          'until a drill measures them; an AZ lost outright (fail-stop) takes 0 s',
      ],
    ]);
    const [report] = checkInputs(zonalStack(ServiceTier.TIER_1), { rules: [] }).services;
    const dns = report.derivation.find((s) => s.basis.includes('DNS:'))!;
    expect(dns.figures).toEqual(['ROUTE53_ALIAS_ELB_TTL_SECONDS']);
  });

  test('TIER_0: the 30 s AZ RTO cannot be met for gray failures with one-minute metrics; the report says so', () => {
    const { status, steps } = azRtoOf(zonalStack(ServiceTier.TIER_0));
    expect(status).toBe('not-met');
    expect(steps.at(-1)![1]).toContain(
      "TIER_0's AZ RTO of 30 s cannot be met for gray failures with 60-second metrics",
    );
  });

  test('a detection of one 10 s period: more than 0 s + 60 s, unproven (the shift is unknown)', () => {
    const inputs = zonalStack(ServiceTier.TIER_1, { period: 10 });
    const alarmBody = inputs.cloudFormation![0].template as { Resources: Record<string, CfnResource> };
    for (const zone of ZONES) {
      (alarmBody.Resources[`Alarm${id(zone)}`].Properties as Record<string, unknown>).DatapointsToAlarm = 1;
    }
    const { status, atLeast, steps } = azRtoOf(inputs);
    expect({ status, atLeast }).toEqual({ status: 'unproven', atLeast: 60 });
    expect(steps.at(-1)![1]).toContain('≥ 60 s: unproven until a drill measures the zonal shift');
  });

  test('without the detection the report says nothing detects it, and the figure is unknown', () => {
    const { status, atLeast, steps } = azRtoOf(zonalStack(ServiceTier.TIER_1, { alarms: false }));
    expect({ status, atLeast }).toEqual({ status: 'unproven', atLeast: null });
    expect(steps).toEqual([
      [
        undefined,
        'gray failure of an AZ behind this load balancer: no per-AZ alarm reads its per-AZ metrics, so nothing ' +
          'detects an AZ that fails while its targets pass health checks (HA-AZ4): unknown',
      ],
    ]);
  });

  test('with an AZ of the load balancer no alarm watches, the report says a gray failure there is unknown', () => {
    const { status, atLeast, steps } = azRtoOf(zonalStack(ServiceTier.TIER_1, { watched: ZONES.slice(0, 2) }));
    expect({ status, atLeast }).toEqual({ status: 'unproven', atLeast: 120 });
    expect(steps[0]).toEqual([
      undefined,
      'gray failure of an AZ behind this load balancer: it serves from us-east-1c too, where no per-AZ alarm ' +
        'watches it, so nothing detects a gray failure there (HA-AZ4): unknown',
    ]);
  });

  test('with detection but no shift, a person must start it', () => {
    const { steps } = azRtoOf(zonalStack(ServiceTier.TIER_1, { shift: false }));
    expect(steps.map(([, basis]) => basis)).toContainEqual(
      'gray failure of an AZ behind this load balancer: zonal shift: nothing in the templates starts one when an ' +
        "AZ's alarm fires (a person must): unknown",
    );
  });

  test('TIER_2 is judged on fail-stop failures only', () => {
    expect(azRtoOf(zonalStack(ServiceTier.TIER_2, { alarms: false, shift: false }))).toMatchObject({
      status: 'met',
      seconds: 0,
    });
  });
});
