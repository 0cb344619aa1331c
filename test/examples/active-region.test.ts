import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { addTier1WarmStandby } from '../../examples/tier1-warm-standby';
import { addTier2PilotLight } from '../../examples/tier2-pilot-light';
import { checkInputs } from '../../lib/checks/check';
import { headlessWriterIdentifier, promotedReaderIdentifier } from '../../lib/core';
import { STATEFUL_RESOURCE_TYPES } from '../stateful';
import { cdkJsonApp } from '../util';

/**
 * After a failover, the Tier 1 and Tier 2 examples are deployed with `activeRegion=us-west-2`:
 * us-west-2 serves at full capacity and is DNS's PRIMARY, us-east-1 stands by with the failback
 * runbooks. The swap must not replace or delete any stateful resource (diffed as `cdk diff` does,
 * with @aws-cdk/cloudformation-diff), and the report must judge the service the same way either
 * way, or say honestly what the swap changes. One app holds both examples, synthesized once per
 * active region.
 */

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  Metadata?: Record<string, unknown>;
};
type Template = { Resources: Record<string, Resource> };
type Synthesis = Record<string, { region: string; template: Template }>;

function synth(activeRegion?: string): Synthesis {
  const app = cdkJsonApp({ context: activeRegion ? { activeRegion } : {} });
  const domain = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };
  addTier1WarmStandby(app, domain);
  addTier2PilotLight(app, domain);
  return Object.fromEntries(
    app.synth().stacks.map((s) => [s.stackName, { region: s.environment.region, template: s.template as Template }]),
  );
}

let east: Synthesis;
let west: Synthesis;
beforeAll(() => {
  east = synth();
  west = synth('us-west-2');
});

const only = (s: Synthesis, prefix: string): Synthesis =>
  Object.fromEntries(Object.entries(s).filter(([name]) => name.startsWith(prefix)));
const resources = (s: Synthesis, stack: string, type: string) =>
  Object.entries(s[stack].template.Resources).filter(([, r]) => r.Type === type);
const LOSSY = [
  ResourceImpact.WILL_REPLACE,
  ResourceImpact.MAY_REPLACE,
  ResourceImpact.WILL_DESTROY,
  ResourceImpact.WILL_ORPHAN,
];

/** Each resource change of the deployment from `before` to `after`: `stack/logicalId (type): impact`. */
function changes(
  before: Synthesis,
  after: Synthesis,
  keep: (type: string, resource: Resource | undefined) => boolean,
): string[] {
  const found: string[] = [];
  for (const [name, { template }] of Object.entries(before)) {
    fullDiff(template, after[name].template).resources.forEachDifference((logicalId, change) => {
      const type = change.oldResourceType ?? change.newResourceType ?? '';
      if (LOSSY.includes(change.changeImpact) && keep(type, template.Resources[logicalId])) {
        found.push(`${name}/${logicalId} (${type}): ${change.changeImpact}`);
      }
    });
  }
  return found.sort();
}

function statuses(s: Synthesis) {
  const report = checkInputs({
    cloudFormation: Object.entries(s).map(([name, { region, template }]) => ({ name, region, template })),
  });
  return {
    status: [...new Set(report.services.map((r) => JSON.stringify(r.status)))].map((j) => JSON.parse(j)),
    errors: report.findings.filter((f) => f.level === 'error').map((f) => f.message),
    acknowledged: (report.acknowledged ?? []).map((a) => `${a.rule}: ${a.message}`),
  };
}

/** An Aurora member instance holds no data of its own: the cluster does (test/stateful.ts reads it so too). */
const isStateful = (type: string, resource: Resource | undefined) =>
  STATEFUL_RESOURCE_TYPES.includes(type) &&
  !(type === 'AWS::RDS::DBInstance' && resource?.Properties?.DBClusterIdentifier !== undefined);

type Content = {
  description?: string;
  parameters?: Record<string, { default?: unknown }>;
  mainSteps: { name: string }[];
};

/** The content of a stack's promotion runbook. */
function promotionOf(s: Synthesis, stack: string): Content {
  return resources(s, stack, 'AWS::SSM::Document')
    .map(([, r]) => r.Properties!.Content as Content)
    .find((c) => c.mainSteps?.some((step) => step.name === 'WaitForPromotion'))!;
}

describe('Tier 1', () => {
  test('swapping the active region replaces, deletes or orphans no stateful resource in any stack', () => {
    expect(
      changes(only(east, 'Tier1-'), only(west, 'Tier1-'), (type) => STATEFUL_RESOURCE_TYPES.includes(type)),
    ).toEqual([]);
  });

  test("after the swap, us-west-2 is DNS's PRIMARY and runs the primary's capacity; us-east-1 holds the failback runbooks", () => {
    const records = (s: Synthesis) =>
      resources(s, 'Tier1-Dns', 'AWS::Route53::RecordSet')
        .map(([, r]) => r)
        .filter((r) => r.Properties?.Failover !== undefined)
        .map((r) => `${r.Properties!.Region ?? r.Properties!.SetIdentifier} ${r.Properties!.Failover}`)
        .sort();
    expect(records(east)).toEqual(['us-east-1 PRIMARY', 'us-west-2 SECONDARY']);
    expect(records(west)).toEqual(['us-east-1 SECONDARY', 'us-west-2 PRIMARY']);
    const minSize = (s: Synthesis, stack: string) =>
      resources(s, stack, 'AWS::AutoScaling::AutoScalingGroup')[0][1].Properties!.MinSize;
    expect([minSize(east, 'Tier1-us-east-1'), minSize(east, 'Tier1-us-west-2')]).toEqual([
      minSize(west, 'Tier1-us-west-2'),
      minSize(west, 'Tier1-us-east-1'),
    ]);
    const promotes = (s: Synthesis, stack: string) =>
      JSON.stringify(s[stack].template).includes('FailoverGlobalCluster');
    expect([promotes(east, 'Tier1-us-east-1'), promotes(east, 'Tier1-us-west-2')]).toEqual([false, true]);
    expect([promotes(west, 'Tier1-us-east-1'), promotes(west, 'Tier1-us-west-2')]).toEqual([true, false]);
  });

  test('the swap back replaces no stateful resource, and neither way replaces anything: the serving fleet is not rolled', () => {
    expect(changes(only(west, 'Tier1-'), only(east, 'Tier1-'), isStateful)).toEqual([]);
    const replaced = (a: Synthesis, b: Synthesis) => changes(a, b, () => true).filter((c) => /REPLACE/.test(c));
    expect([
      ...replaced(only(east, 'Tier1-'), only(west, 'Tier1-')),
      ...replaced(only(west, 'Tier1-'), only(east, 'Tier1-')),
    ]).toEqual([]);
  });

  test("the promoted cluster's writer is not left alone in us-west-2a: the runbook adds a reader in us-west-2b, which the swap declares", () => {
    const promote = promotionOf(east, 'Tier1-us-west-2');
    expect(promote.mainSteps.map((step) => step.name).slice(-2)).toEqual(['WaitForPromotion', 'AddReader']);
    const reader = [
      promote.parameters!.ReaderInstanceIdentifier.default,
      promote.parameters!.ReaderAvailabilityZone.default,
    ];
    expect(reader).toEqual([promotedReaderIdentifier('orders', 'us-west-2'), 'us-west-2b']);
    const declared = resources(west, 'Tier1-us-west-2', 'AWS::RDS::DBInstance')
      .map(([, r]) => r)
      .filter((r) => r.Properties!.DBInstanceIdentifier !== undefined);
    expect(
      declared.map((r) => [r.Properties!.DBInstanceIdentifier, r.Properties!.AvailabilityZone, r.DeletionPolicy]),
    ).toEqual([[...reader, 'Retain']]);
    expect(promotionOf(west, 'Tier1-us-east-1').mainSteps[0].name).toBe('CheckSecondary');
  });

  test('the report judges the service the same with either region active', () => {
    const before = statuses(only(east, 'Tier1-'));
    const after = statuses(only(west, 'Tier1-'));
    expect(after.errors).toEqual([]);
    expect(after.status).toEqual(before.status);
  });
});

describe('Tier 2', () => {
  const WRITER = headlessWriterIdentifier('catalog', 'us-west-2');
  const READER = promotedReaderIdentifier('catalog', 'us-west-2');

  test("the swap, and the failback's swap back, replace or delete no stateful resource, and replace nothing at all", () => {
    expect(changes(only(east, 'Tier2-'), only(west, 'Tier2-'), isStateful)).toEqual([]);
    expect(changes(only(west, 'Tier2-'), only(east, 'Tier2-'), isStateful)).toEqual([]);
    // Replacing the fleet's placement group or rolling its launch template would disturb the region that serves.
    const replaced = (a: Synthesis, b: Synthesis) => changes(a, b, () => true).filter((c) => /REPLACE/.test(c));
    expect([
      ...replaced(only(east, 'Tier2-'), only(west, 'Tier2-')),
      ...replaced(only(west, 'Tier2-'), only(east, 'Tier2-')),
    ]).toEqual([]);
    for (const stack of ['Tier2-us-east-1', 'Tier2-us-west-2']) {
      for (const type of ['AWS::EC2::PlacementGroup', 'AWS::EC2::LaunchTemplate']) {
        const [[, before]] = resources(east, stack, type);
        const [[, after]] = resources(west, stack, type);
        expect(after.Properties).toEqual(before.Properties);
      }
    }
    // Failing back leaves the two instances the failover added to us-west-2 running (retained, no data of
    // their own): the failback runbook's description and the README say to delete them.
    expect(changes(only(west, 'Tier2-'), only(east, 'Tier2-'), (type) => type === 'AWS::RDS::DBInstance')).toEqual([
      expect.stringMatching(/^Tier2-us-west-2\/DatabaseReader1[0-9A-F]{8} \(AWS::RDS::DBInstance\): WILL_ORPHAN$/),
      expect.stringMatching(/^Tier2-us-west-2\/DatabaseReader2[0-9A-F]{8} \(AWS::RDS::DBInstance\): WILL_ORPHAN$/),
    ]);
  });

  test('the global cluster is the same resource in both: after a switchover its source no longer matches, so it must not change', () => {
    const [[id, before]] = resources(east, 'Tier2-us-east-1', 'AWS::RDS::GlobalCluster');
    expect(west['Tier2-us-east-1'].template.Resources[id]).toEqual(before);
  });

  test("after the swap, us-west-2 is DNS's PRIMARY with the primary's capacity; each region's probe watches the one that serves", () => {
    const records = (s: Synthesis) =>
      resources(s, 'Tier2-Dns', 'AWS::Route53::RecordSet')
        .map(([, r]) => r)
        .filter((r) => r.Properties?.Failover !== undefined)
        .map((r) => `${r.Properties!.SetIdentifier} ${r.Properties!.Failover}`)
        .sort();
    expect(records(east)).toEqual(['us-east-1 PRIMARY', 'us-west-2 SECONDARY']);
    expect(records(west)).toEqual(['us-east-1 SECONDARY', 'us-west-2 PRIMARY']);
    const minSize = (s: Synthesis, stack: string) =>
      resources(s, stack, 'AWS::AutoScaling::AutoScalingGroup')[0][1].Properties!.MinSize;
    expect([minSize(east, 'Tier2-us-east-1'), minSize(east, 'Tier2-us-west-2')]).toEqual(['4', '0']);
    expect([minSize(west, 'Tier2-us-east-1'), minSize(west, 'Tier2-us-west-2')]).toEqual(['0', '4']);
    const probed = (s: Synthesis, stack: string) =>
      resources(s, stack, 'AWS::Synthetics::Canary').map(
        ([, r]) => JSON.stringify(r.Properties!.RunConfig).match(/catalog-(us-[a-z]+-\d)\.example\.com/)![1],
      );
    expect([probed(east, 'Tier2-us-east-1'), probed(east, 'Tier2-us-west-2')]).toEqual([['us-east-1'], ['us-east-1']]);
    expect([probed(west, 'Tier2-us-east-1'), probed(west, 'Tier2-us-west-2')]).toEqual([['us-west-2'], ['us-west-2']]);
    // The SLO of the serving region reads its load balancer too; a standing-by one answers only health checks.
    const readsBalancer = (s: Synthesis, stack: string) =>
      resources(s, stack, 'AWS::CloudWatch::Alarm').some(
        ([id, r]) => id.startsWith('Slo') && JSON.stringify(r.Properties).includes('HTTPCode_ELB_5XX_Count'),
      );
    expect([readsBalancer(east, 'Tier2-us-east-1'), readsBalancer(east, 'Tier2-us-west-2')]).toEqual([true, false]);
    expect([readsBalancer(west, 'Tier2-us-east-1'), readsBalancer(west, 'Tier2-us-west-2')]).toEqual([false, true]);
  });

  test('the promoted us-west-2 cluster declares the writer and reader the runbook created, by name and zone, retained', () => {
    const promote = resources(east, 'Tier2-us-west-2', 'AWS::SSM::Document')
      .map(
        ([, r]) =>
          r.Properties!.Content as {
            parameters?: Record<string, { default?: unknown }>;
            mainSteps: { name: string }[];
          },
      )
      .find((c) => c.parameters?.WriterInstanceIdentifier !== undefined)!;
    const parameters = promote.parameters!;
    expect(promote.mainSteps.map((s) => s.name).slice(-2)).toEqual(['WaitForPromotion', 'AddReader']);
    const runbookCreates = [
      [parameters.WriterInstanceIdentifier.default, parameters.WriterAvailabilityZone.default],
      [parameters.ReaderInstanceIdentifier.default, parameters.ReaderAvailabilityZone.default],
    ];
    expect(runbookCreates).toEqual([
      [WRITER, 'us-west-2a'],
      [READER, 'us-west-2b'],
    ]);
    expect(resources(east, 'Tier2-us-west-2', 'AWS::RDS::DBInstance')).toEqual([]);
    const declared = resources(west, 'Tier2-us-west-2', 'AWS::RDS::DBInstance').map(([, r]) => r);
    expect(declared.map((r) => [r.Properties!.DBInstanceIdentifier, r.Properties!.AvailabilityZone])).toEqual(
      runbookCreates,
    );
    // CloudFormation imports (cdk deploy --import-existing-resources) only resources it would retain.
    expect(declared.map((r) => r.DeletionPolicy)).toEqual(['Retain', 'Retain']);
  });

  test('us-east-1 holds the failback runbooks once us-west-2 serves: it checks its cluster is a secondary again, then promotes it', () => {
    const docs = (s: Synthesis, stack: string) =>
      resources(s, stack, 'AWS::SSM::Document')
        .map(
          ([, r]) =>
            r.Properties!.Content as {
              description?: string;
              mainSteps?: { name: string }[];
            },
        )
        .filter((c) => c.mainSteps?.some((step) => step.name === 'WaitForPromotion'));
    expect([docs(east, 'Tier2-us-east-1').length, docs(west, 'Tier2-us-west-2').length]).toEqual([0, 0]);
    const [failback] = docs(west, 'Tier2-us-east-1');
    expect(failback.mainSteps!.map((s) => s.name)).toEqual([
      'CheckSecondary',
      'ChooseMode',
      'Switchover',
      'Failover',
      'WaitForPromotion',
    ]);
    expect(failback.description).toMatch(
      /^Fail the Aurora global database of catalog back to us-east-1\..*rds:unplanned-global-failover-/,
    );
    // us-east-1 keeps its own two instances: nothing to create on the way back.
    expect(JSON.stringify(failback.mainSteps)).not.toContain('CreateDBInstance');
  });

  test('the report: as before with us-east-1 serving; with us-west-2 serving, the region RPO is not met, and says why', () => {
    const before = statuses(only(east, 'Tier2-'));
    const after = statuses(only(west, 'Tier2-'));
    // us-east-1's rds.global_db_rpo stops its commits when us-west-2 (its one secondary region) is out for longer:
    // the path between the regions is in series with the writes and has no published figure.
    const unproven = { azRto: 'met', azRpo: 'met', regionRto: 'unproven', regionRpo: 'met', availability: 'unproven' };
    expect(before.status).toEqual([unproven]);
    // Images written in us-west-2 replicate nowhere (S3 replication runs us-east-1 to us-west-2): the report says so,
    // acknowledged with that reason so that the deployment that keeps the failover can synthesize. Serving, the
    // us-west-2 cluster is held to the same managed RPO, so its writes wait on us-east-1 in turn.
    expect(after.status).toEqual([{ ...unproven, regionRpo: 'not-met' }]);
    expect([before.errors, after.errors]).toEqual([[], []]);
    expect(after.acknowledged.filter((a) => a.startsWith('HA-DR1'))).toEqual([
      expect.stringMatching(/^HA-DR1: ImagesF8C4E866 has no copy outside its region/),
    ]);
    expect(
      after.acknowledged.filter((a) => a.startsWith('HA-RES1')).every((a) => /region RPO .*ImagesF8C4E866/.test(a)),
    ).toBe(true);
  });
});
