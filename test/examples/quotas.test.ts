import * as fs from 'fs';
import * as path from 'path';
import { addAllExamples } from '../../examples';
import { cdkJsonApp } from '../util';

// The quotas each AWS example consumes in each region, counted in the synthesized templates, and
// the README table that lists them: the table is rendered here and must be the README's, so the
// numbers cannot drift from the examples.

/**
 * Default quotas per account and region (all adjustable).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (VPCs, Elastic IPs, NAT gateways)
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli_service-quotas_code_examples.html (L-1216C47A: the AWS
 *   default that `get-aws-default-service-quota` returns for Running On-Demand Standard instances, in vCPUs)
 */
const DEFAULT_QUOTAS = { vpcsPerRegion: 5, natGatewaysPerZone: 5, elasticIpsPerRegion: 5, standardVcpus: 5 };

/**
 * vCPUs of each instance type the examples run; all are in the On-Demand Standard class
 * (A, C, D, H, I, M, R, T, Z).
 * @see https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (M7g, M7gd)
 * @see https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html (C7g, C7gd)
 */
const VCPUS: Record<string, number> = {
  'm7g.large': 2,
  'm7gd.large': 2,
  'c7g.large': 2,
  'c7gd.large': 2,
};

const README = path.join(__dirname, '..', '..', 'README.md');
const BEGIN = '<!-- quotas:begin (rendered by test/examples/quotas.test.ts) -->';
const END = '<!-- quotas:end -->';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** What one example (or all of them) holds in one region. */
interface Usage {
  readonly vpcs: number;
  readonly natGateways: number;
  /** NAT gateways per AZ name. */
  readonly natGatewaysByZone: Record<string, number>;
  readonly elasticIps: number;
  /** vCPUs of the Auto Scaling groups at their desired (no desired capacity: minimum) and maximum sizes. */
  readonly vcpusDesired: number;
  readonly vcpusMax: number;
}

const EMPTY: Usage = { vpcs: 0, natGateways: 0, natGatewaysByZone: {}, elasticIps: 0, vcpusDesired: 0, vcpusMax: 0 };

function add(a: Usage, b: Usage): Usage {
  const natGatewaysByZone = { ...a.natGatewaysByZone };
  for (const [zone, n] of Object.entries(b.natGatewaysByZone)) {
    natGatewaysByZone[zone] = (natGatewaysByZone[zone] ?? 0) + n;
  }
  return {
    vpcs: a.vpcs + b.vpcs,
    natGateways: a.natGateways + b.natGateways,
    natGatewaysByZone,
    elasticIps: a.elasticIps + b.elasticIps,
    vcpusDesired: a.vcpusDesired + b.vcpusDesired,
    vcpusMax: a.vcpusMax + b.vcpusMax,
  };
}

function mostInOneZone(usage: Usage): number {
  return Math.max(0, ...Object.values(usage.natGatewaysByZone));
}

/** Every instance type an example's fleets may launch. */
const instanceTypes = new Set<string>();

/** The vCPUs of a group's instance: the largest of its instance types, which it may launch any of. */
function vcpusPerInstance(group: Resource): number {
  type Overrides = { InstanceType: string }[];
  const props = group.Properties as { MixedInstancesPolicy?: { LaunchTemplate?: { Overrides?: Overrides } } };
  const types = (props.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => o.InstanceType);
  expect(types.length).toBeGreaterThan(0);
  for (const type of types) {
    if (VCPUS[type] === undefined) {
      throw new Error(`add the vCPUs of ${type} (with its source) to VCPUS in test/examples/quotas.test.ts`);
    }
  }
  types.forEach((t) => instanceTypes.add(t));
  return Math.max(...types.map((t) => VCPUS[t]));
}

function usageOf(resources: Record<string, Resource>): Usage {
  const all = Object.values(resources);
  const ofType = (type: string) => all.filter((r) => r.Type === type);
  const natGatewaysByZone: Record<string, number> = {};
  for (const nat of ofType('AWS::EC2::NatGateway')) {
    const subnetId = (nat.Properties!.SubnetId as { Ref: string }).Ref;
    const zone = resources[subnetId].Properties!.AvailabilityZone as string;
    natGatewaysByZone[zone] = (natGatewaysByZone[zone] ?? 0) + 1;
  }
  let vcpusDesired = 0;
  let vcpusMax = 0;
  for (const group of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const props = group.Properties as { MinSize: string; MaxSize: string; DesiredCapacity?: string };
    const perInstance = vcpusPerInstance(group);
    vcpusDesired += Number(props.DesiredCapacity ?? props.MinSize) * perInstance;
    vcpusMax += Number(props.MaxSize) * perInstance;
  }
  return {
    vpcs: ofType('AWS::EC2::VPC').length,
    natGateways: ofType('AWS::EC2::NatGateway').length,
    natGatewaysByZone,
    elasticIps: ofType('AWS::EC2::EIP').length,
    vcpusDesired,
    vcpusMax,
  };
}

/**
 * `Tier0` → `Tier 0`, `Tier1Ecs` → `Tier 1 ECS`, `Tier0Api` → `Tier 0 API`: the example a stack
 * (`Tier0-us-east-1`, `Tier1-us-west-2-Keys`, `Tier1Ecs-Dns`) belongs to.
 */
function exampleOf(stackName: string): string {
  const match = /^Tier(\d)([A-Za-z]*)-/.exec(stackName);
  if (!match) throw new Error(`stack ${stackName} belongs to no tier example`);
  const variant = ({ Ecs: 'ECS', Api: 'API' } as Record<string, string>)[match[2]] ?? match[2];
  return variant ? `Tier ${match[1]} ${variant}` : `Tier ${match[1]}`;
}

/** Usage by example, then by region. */
const usage = new Map<string, Map<string, Usage>>();
/**
 * The examples serve from the first two; us-east-2 holds the ECS example's witness and its second
 * database secondary.
 */
const REGIONS = ['us-east-1', 'us-west-2', 'us-east-2'];
/** The regions every multi-region example serves from. */
const SERVING_REGIONS = ['us-east-1', 'us-west-2'];

beforeAll(() => {
  const app = cdkJsonApp();
  addAllExamples(app, { printReport: false });
  const assembly = app.synth();
  for (const stack of assembly.stacks) {
    const example = exampleOf(stack.stackName);
    const byRegion = usage.get(example) ?? new Map<string, Usage>();
    const region = stack.environment.region;
    byRegion.set(region, add(byRegion.get(region) ?? EMPTY, usageOf(stack.template.Resources)));
    usage.set(example, byRegion);
  }
});

function totalIn(region: string): Usage {
  return [...usage.values()].reduce((sum, byRegion) => add(sum, byRegion.get(region) ?? EMPTY), EMPTY);
}

/** The README table, rendered from the counts. */
function renderTable(): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const usageCells = (u: Usage) => [
    u.vpcs,
    `${u.natGateways} (${mostInOneZone(u)})`,
    u.elasticIps,
    u.vcpusDesired,
    u.vcpusMax,
  ];
  const lines = [
    row([
      'Example',
      'Region',
      'VPCs',
      'NAT gateways (most in one AZ)',
      'Elastic IPs',
      'vCPUs, desired',
      'vCPUs, maximum',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const example of [...usage.keys()].sort()) {
    for (const region of REGIONS) {
      const u = usage.get(example)!.get(region);
      if (u && (u.vpcs > 0 || u.vcpusMax > 0)) lines.push(row([example, region, ...usageCells(u)]));
    }
  }
  for (const region of REGIONS) {
    lines.push(row(['**all**', region, ...usageCells(totalIn(region)).map((c) => `**${c}**`)]));
  }
  const d = DEFAULT_QUOTAS;
  lines.push(
    row([
      'default quota',
      'each',
      d.vpcsPerRegion,
      `(${d.natGatewaysPerZone} per AZ)`,
      d.elasticIpsPerRegion,
      d.standardVcpus,
      d.standardVcpus,
    ]),
  );
  return lines.join('\n');
}

function readmeTable(): string {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return readme.slice(start + BEGIN.length, end).trim();
}

describe('the service quotas of the AWS examples', () => {
  test('THEN the README lists exactly what the synthesized templates hold', () => {
    expect(readmeTable()).toEqual(renderTable());
    // No region where an example holds a VPC or instances is left out of the table.
    const held = [...usage.values()].flatMap((byRegion) =>
      [...byRegion.entries()].filter(([, u]) => u.vpcs > 0 || u.vcpusMax > 0).map(([region]) => region),
    );
    expect([...new Set(held)].filter((region) => !REGIONS.includes(region))).toEqual([]);
  });

  test('THEN the examples have one NAT gateway, with one Elastic IP, per AZ of each VPC', () => {
    expect([...usage.keys()].sort()).toEqual(['Tier 0', 'Tier 0 API', 'Tier 1', 'Tier 1 ECS', 'Tier 2', 'Tier 3']);
    for (const byRegion of usage.values()) {
      for (const u of byRegion.values()) {
        expect(u.elasticIps).toBe(u.natGateways);
        if (u.vpcs > 0) expect(mostInOneZone(u)).toBe(1);
      }
    }
  });

  test('THEN every instance type of the examples has 2 vCPUs, as the README says', () => {
    expect([...instanceTypes].sort()).toEqual(['c7g.large', 'c7gd.large', 'm7g.large', 'm7gd.large']);
    expect([...instanceTypes].map((t) => VCPUS[t])).toEqual([...instanceTypes].map(() => 2));
  });

  test('WHEN one example is deployed alone THEN it fits the default VPC, NAT gateway and Elastic IP quotas', () => {
    for (const [example, byRegion] of usage) {
      for (const [region, u] of byRegion) {
        const where = `${example} in ${region}`;
        expect({ where, vpcs: u.vpcs <= DEFAULT_QUOTAS.vpcsPerRegion }).toEqual({ where, vpcs: true });
        expect({ where, nat: mostInOneZone(u) <= DEFAULT_QUOTAS.natGatewaysPerZone }).toEqual({ where, nat: true });
        expect({ where, eips: u.elasticIps <= DEFAULT_QUOTAS.elasticIpsPerRegion }).toEqual({ where, eips: true });
      }
    }
  });

  test('WHEN every example is deployed into one account (cdk deploy --all) THEN each serving region lacks Elastic IPs, us-east-1 VPCs and NAT gateways too', () => {
    // us-east-2 holds one VPC, of the ECS example: it fits.
    const witness = totalIn('us-east-2');
    expect(witness.vpcs).toBe(1);
    expect(witness.elasticIps <= DEFAULT_QUOTAS.elasticIpsPerRegion).toBe(true);
    for (const region of SERVING_REGIONS) {
      const total = totalIn(region);
      const eipsOver = total.elasticIps > DEFAULT_QUOTAS.elasticIpsPerRegion;
      expect({ region, eipsOver }).toEqual({ region, eipsOver: true });
      // Six examples serve from us-east-1, each from a VPC of its own with a NAT gateway in each AZ.
      const fits = region !== 'us-east-1';
      expect({ region, vpcsFit: total.vpcs <= DEFAULT_QUOTAS.vpcsPerRegion }).toEqual({ region, vpcsFit: fits });
      const natFit = mostInOneZone(total) <= DEFAULT_QUOTAS.natGatewaysPerZone;
      expect({ region, natFit }).toEqual({ region, natFit: fits });
    }
  });

  test('THEN in us-east-1 Tier 0, 1 and 2 exceed the default vCPU quota at desired size, all four at maximum', () => {
    const over = (pick: (u: Usage) => number) =>
      [...usage.entries()]
        .filter(([, byRegion]) => pick(byRegion.get('us-east-1') ?? EMPTY) > DEFAULT_QUOTAS.standardVcpus)
        .map(([example]) => example)
        .sort();
    expect(over((u) => u.vcpusDesired)).toEqual(['Tier 0', 'Tier 1', 'Tier 2']);
    expect(over((u) => u.vcpusMax)).toEqual(['Tier 0', 'Tier 1', 'Tier 2', 'Tier 3']);
  });
});
