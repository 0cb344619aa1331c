import { checkInputs } from '../../lib/checks/check';
import { GraphInputs } from '../../lib/checks/graph/load';
import { DerivationStep, ServiceReport } from '../../lib/checks/report';
import { HaRole, PUBLISHED_SLAS, ServiceTier } from '../../lib/core';
import { CfnResource, cfn, merge } from './fixtures/builders';

/** What a region of the fixture holds. */
interface RegionOptions {
  /** Warm environments on the alias (none when undefined). */
  readonly provisioned?: number;
  readonly reserved?: number;
  /** AZs of the function's subnets; none: not in a VPC. */
  readonly zones?: string[];
  /** An ECS service on Fargate with this scalable target (min, max), behind nothing. */
  readonly tasks?: [number, number];
}

/**
 * One region of a service of Lambda functions: the function and its `live` alias (what invokes
 * it), a custom resource's handler (which nothing but CloudFormation invokes), and a Route 53
 * record of the region, PRIMARY health-checked every 10 s (threshold 3) or SECONDARY with a CNAME.
 */
function region(
  name: string,
  regionName: string,
  tier: ServiceTier,
  role: HaRole,
  options: RegionOptions,
  routing: 'PRIMARY' | 'SECONDARY' | 'LATENCY',
): GraphInputs {
  const subnets = (options.zones ?? []).map((zone, i): [string, CfnResource] => [
    `Subnet${i}`,
    { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: zone } },
  ]);
  const resources: Record<string, CfnResource> = {
    ...Object.fromEntries(subnets),
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        ...(options.reserved === undefined ? {} : { ReservedConcurrentExecutions: options.reserved }),
        ...(options.zones ? { VpcConfig: { SubnetIds: subnets.map(([id]) => ({ Ref: id })) } } : {}),
      },
    },
    Live: {
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: 'Fn' },
        Name: 'live',
        ...(options.provisioned === undefined
          ? {}
          : { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: options.provisioned } }),
      },
    },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { EndpointConfiguration: { Types: ['REGIONAL'] } } },
    Handler: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } },
    Thing: { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] } } },
    Record: {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        Name: 'api.example.com.',
        Type: 'CNAME',
        TTL: '60',
        SetIdentifier: regionName,
        ResourceRecords: [`api-${regionName}.example.com`],
        ...(routing === 'LATENCY' ? { Region: regionName } : { Failover: routing }),
        ...(routing === 'SECONDARY' ? {} : { HealthCheckId: { Ref: 'Check' } }),
      },
    },
    Check: {
      Type: 'AWS::Route53::HealthCheck',
      Properties: { HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 10, FailureThreshold: 3 } },
    },
  };
  if (options.tasks) {
    resources.Service = { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', DesiredCount: 6 } };
    resources.Tasks = {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        MinCapacity: options.tasks[0],
        MaxCapacity: options.tasks[1],
        ResourceId: { 'Fn::Join': ['', ['service/cluster/', { 'Fn::GetAtt': ['Service', 'Name'] }]] },
      },
    };
  }
  return cfn(resources, { tier, role, name, region: regionName });
}

function report(inputs: GraphInputs): ServiceReport {
  return checkInputs(inputs).services[0];
}

const steps = (r: ServiceReport, quantity: DerivationStep['quantity']) =>
  r.derivation.filter((d) => d.quantity === quantity);

/** TIER_1: us-east-1 serves with `primary`, us-west-2 stands by with `standby`. */
const warmStandby = (primary: RegionOptions, standby: RegionOptions) =>
  report(
    merge(
      region('Primary', 'us-east-1', ServiceTier.TIER_1, HaRole.PRIMARY, primary, 'PRIMARY'),
      region('Standby', 'us-west-2', ServiceTier.TIER_1, HaRole.STANDBY, standby, 'SECONDARY'),
    ),
  );

/** TIER_0: both regions serve the same way, behind latency records. */
const activeActive = (options: RegionOptions) =>
  report(
    merge(
      region('East', 'us-east-1', ServiceTier.TIER_0, HaRole.PRIMARY, options, 'LATENCY'),
      region('West', 'us-west-2', ServiceTier.TIER_0, HaRole.PRIMARY, options, 'LATENCY'),
    ),
  );

describe('Lambda functions in the HA report', () => {
  test("GIVEN an API and a serving function THEN availability counts both SLAs; a custom resource's handler nothing", () => {
    const r = warmStandby({ provisioned: 30, reserved: 100 }, { provisioned: 30, reserved: 100 });
    const availability = steps(r, 'availability');
    expect(availability).toContainEqual(
      expect.objectContaining({ resource: 'Fn', value: PUBLISHED_SLAS.LAMBDA, figures: ['LAMBDA'] }),
    );
    expect(availability).toContainEqual(
      expect.objectContaining({ resource: 'Api', value: PUBLISHED_SLAS.API_GATEWAY, figures: ['API_GATEWAY'] }),
    );
    expect(availability.map((s) => s.resource)).not.toContain('Handler');
    // The API and the function in series, with the global Route 53 records (100 %).
    expect(r.availability).toBeCloseTo(PUBLISHED_SLAS.API_GATEWAY * PUBLISHED_SLAS.LAMBDA, 10);
  });

  test('GIVEN active/active regions THEN each region is API and function in series, the regions in parallel', () => {
    const region = PUBLISHED_SLAS.API_GATEWAY * PUBLISHED_SLAS.LAMBDA;
    expect(activeActive({ provisioned: 100, reserved: 100 }).availability).toBeCloseTo(1 - (1 - region) ** 2, 12);
  });

  test('GIVEN a function outside a VPC THEN an AZ loss waits on no failover of its own', () => {
    const r = warmStandby({ provisioned: 30, reserved: 100 }, { provisioned: 30, reserved: 100 });
    expect(steps(r, 'azRto').filter((s) => s.stack === 'Primary' && s.resource === 'Fn')).toEqual([
      expect.objectContaining({
        value: 0,
        basis: expect.stringMatching(/^regional service: Lambda runs the function in several AZs and invokes/),
      }),
    ]);
    expect(r.status.azRto).toBe('met');
  });

  test("GIVEN a VPC function over three AZs THEN a lost AZ is Lambda's, but a gray AZ (its subnets cut) is unknown", () => {
    const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    const r = warmStandby({ provisioned: 30, reserved: 100, zones }, { provisioned: 30, reserved: 100 });
    const [failStop, gray] = steps(r, 'azRto').filter((s) => s.stack === 'Primary' && s.resource === 'Fn');
    expect(failStop).toMatchObject({ value: 0, basis: expect.stringContaining('(those of its subnets: 3)') });
    expect(gray).toMatchObject({ failure: 'gray' });
    expect(gray.value).toBeUndefined();
    expect(gray.basis).toContain("nothing in the templates takes the AZ's subnets away from the function");
    expect(r.status.azRto).toBe('unproven');
    // TIER_2 does not ask for static stability: only the fail-stop loss counts, as for load balancers.
    const tier2 = report(
      merge(
        region('P', 'us-east-1', ServiceTier.TIER_2, HaRole.PRIMARY, { zones }, 'PRIMARY'),
        region('S', 'us-west-2', ServiceTier.TIER_2, HaRole.STANDBY, {}, 'SECONDARY'),
      ),
    );
    expect(tier2.status.azRto).toBe('met');
  });

  test('GIVEN a VPC function with subnets in one AZ THEN the AZ RTO is unproven: it is lost with that AZ', () => {
    const r = warmStandby(
      { provisioned: 30, reserved: 100, zones: ['us-east-1a'] },
      { provisioned: 30, reserved: 100 },
    );
    expect(r.status.azRto).toBe('unproven');
    const step = steps(r, 'azRto').find((s) => s.resource === 'Fn')!;
    expect(step.value).toBeUndefined();
    expect(step.basis).toBe(
      'VPC function with subnets in us-east-1a only: Lambda runs it only there, so it is lost with that AZ until ' +
        'subnets in other AZs are added',
    );
  });

  test('GIVEN a standby function with fewer warm environments THEN Lambda scales it on demand, in a time not published', () => {
    const r = warmStandby({ provisioned: 30, reserved: 100 }, { reserved: 100 });
    expect(r.status.regionRto).toBe('unproven');
    const rto = steps(r, 'regionRto');
    // No runbook is needed: nothing is "never started".
    expect(rto.map((s) => s.basis)).not.toContainEqual(expect.stringContaining('nothing starts'));
    expect(rto).toContainEqual(
      expect.objectContaining({
        value: 0,
        basis: 'no one decides: Lambda scales the standby functions on demand as requests arrive',
      }),
    );
    const scaleUp = rto.find((s) => s.stack === 'Standby' && s.resource === 'Fn')!;
    expect(scaleUp.value).toBeUndefined();
    expect(scaleUp.figures).toEqual(['LAMBDA_CONCURRENCY_SCALING_RATE']);
    expect(scaleUp.basis).toMatch(
      /^Lambda function with 0 warm environments where the primary keeps 30: the rest start cold, on demand, at most 1,000 environments per 10 s per function/,
    );
  });

  test('GIVEN a standby function as warm as the primary THEN the region RTO is detection and the TTL, proven', () => {
    const r = warmStandby({ provisioned: 30, reserved: 100 }, { provisioned: 30, reserved: 100 });
    // Detection: 10 s × 3 + the 6 s request timeout; then the 60 s TTL.
    expect(r).toMatchObject({ regionRtoSeconds: 36 + 60, status: { regionRto: 'met' } });
  });

  test('GIVEN active/active functions THEN the regions left carry the load: unproven unless all of it is warm', () => {
    const scaling = activeActive({ provisioned: 30, reserved: 100 });
    expect(scaling.status.regionRto).toBe('unproven');
    expect(steps(scaling, 'regionRto')).toContainEqual(
      expect.objectContaining({
        stack: 'East',
        resource: 'Fn',
        basis: expect.stringMatching(
          /^when a region fails, the regions left carry twice their load: this function keeps 30 warm environments and starts more on demand, up to its reserved 100/,
        ),
      }),
    );
    const allWarm = activeActive({ provisioned: 100, reserved: 100 });
    expect(allWarm).toMatchObject({ regionRtoSeconds: 36 + 60, status: { regionRto: 'met' } });
  });

  test('GIVEN active/active ECS services that scale THEN each is a step only a region drill bounds', () => {
    const r = activeActive({ provisioned: 100, reserved: 100, tasks: [6, 12] });
    expect(r.status.regionRto).toBe('unproven');
    expect(steps(r, 'regionRto')).toContainEqual(
      expect.objectContaining({
        resource: 'Service',
        basis: expect.stringContaining('this fleet runs 6 (up to 12)'),
      }),
    );
    expect(activeActive({ provisioned: 100, reserved: 100, tasks: [9, 9] }).status.regionRto).toBe('met');
  });
});
