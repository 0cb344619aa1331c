import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { addTier1WarmStandby } from '../../examples/tier1-warm-standby';
import { checkInputs } from '../../lib/checks/check';
import { STATEFUL_RESOURCE_TYPES } from '../stateful';
import { cdkJsonApp } from '../util';

/**
 * After a failover, the Tier 1 example is deployed with `activeRegion=us-west-2`: us-west-2 serves
 * at full capacity and is DNS's PRIMARY, us-east-1 stands by with the failback runbooks. The swap
 * must not replace or delete any stateful resource (diffed as `cdk diff` does, with
 * @aws-cdk/cloudformation-diff), and the report must judge the service the same way either way.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

function synth(activeRegion?: string): Record<string, { region: string; template: Template }> {
  const app = cdkJsonApp({ context: activeRegion ? { activeRegion } : {} });
  addTier1WarmStandby(app, { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
  return Object.fromEntries(app.synth().stacks.map((s) => [s.stackName, { region: s.environment.region, template: s.template as Template }]));
}

let east: ReturnType<typeof synth>;
let west: ReturnType<typeof synth>;
beforeAll(() => {
  east = synth();
  west = synth('us-west-2');
});

test('swapping the active region replaces, deletes or orphans no stateful resource in any stack', () => {
  const harmful: string[] = [];
  for (const [name, before] of Object.entries(east)) {
    const diff = fullDiff(before.template, west[name].template);
    diff.resources.forEachDifference((logicalId, change) => {
      const type = change.oldResourceType ?? change.newResourceType ?? '';
      const impact = change.changeImpact;
      if (STATEFUL_RESOURCE_TYPES.includes(type) && [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN].includes(impact)) {
        harmful.push(`${name}/${logicalId} (${type}): ${impact}`);
      }
    });
  }
  expect(harmful).toEqual([]);
});

test('after the swap, us-west-2 is DNS\'s PRIMARY and runs the primary\'s capacity; us-east-1 holds the failback runbooks', () => {
  const records = (s: ReturnType<typeof synth>) => Object.values(s['Tier1-Dns'].template.Resources)
    .filter((r) => r.Type === 'AWS::Route53::RecordSet' && r.Properties?.Failover !== undefined)
    .map((r) => `${r.Properties!.Region ?? r.Properties!.SetIdentifier} ${r.Properties!.Failover}`).sort();
  expect(records(east)).toEqual(['us-east-1 PRIMARY', 'us-west-2 SECONDARY']);
  expect(records(west)).toEqual(['us-east-1 SECONDARY', 'us-west-2 PRIMARY']);
  const minSize = (s: ReturnType<typeof synth>, stack: string) => Object.values(s[stack].template.Resources)
    .find((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')!.Properties!.MinSize;
  expect([minSize(east, 'Tier1-us-east-1'), minSize(east, 'Tier1-us-west-2')]).toEqual([minSize(west, 'Tier1-us-west-2'), minSize(west, 'Tier1-us-east-1')]);
  const promotes = (s: ReturnType<typeof synth>, stack: string) => JSON.stringify(s[stack].template).includes('FailoverGlobalCluster');
  expect([promotes(east, 'Tier1-us-east-1'), promotes(east, 'Tier1-us-west-2')]).toEqual([false, true]);
  expect([promotes(west, 'Tier1-us-east-1'), promotes(west, 'Tier1-us-west-2')]).toEqual([true, false]);
});

test('the report judges the service the same with either region active', () => {
  const statuses = (s: ReturnType<typeof synth>) => {
    const report = checkInputs({ cloudFormation: Object.entries(s).map(([name, { region, template }]) => ({ name, region, template })) });
    return { status: [...new Set(report.services.map((r) => JSON.stringify(r.status)))], errors: report.findings.filter((f) => f.level === 'error') };
  };
  const before = statuses(east);
  const after = statuses(west);
  expect(after.errors).toEqual([]);
  expect(after.status).toEqual(before.status);
});
