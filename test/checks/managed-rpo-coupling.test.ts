import { ResourceGraph } from '../../lib/checks/graph/graph';
import { buildGraph, GraphInputs } from '../../lib/checks/graph/load';
import { managedRpoCoupling } from '../../lib/checks/report/managed-rpo-coupling';
import { ServiceIndex } from '../../lib/checks/services';
import { HaRole, ServiceTier } from '../../lib/core';
import { cfn, merge } from './fixtures/builders';

const T1 = { tier: ServiceTier.TIER_1 };

/** A secondary cluster in `region`, with `instances` reader instances (0: headless). */
interface Secondary {
  readonly region: string;
  readonly instances: number;
}

/** An Aurora PostgreSQL writer in us-east-1 (with `rds.global_db_rpo` at `rpo`, if given) and secondaries. */
function globalDatabase(rpo: number | undefined, secondaries: Secondary[]): GraphInputs {
  return merge(
    cfn(
      {
        Params: {
          Type: 'AWS::RDS::DBClusterParameterGroup',
          Properties: {
            Family: 'aurora-postgresql16',
            Parameters: rpo === undefined ? {} : { 'rds.global_db_rpo': rpo },
          },
        },
        Writer: {
          Type: 'AWS::RDS::DBCluster',
          Properties: { Engine: 'aurora-postgresql', DBClusterParameterGroupName: { Ref: 'Params' } },
        },
        Global: {
          Type: 'AWS::RDS::GlobalCluster',
          Properties: { GlobalClusterIdentifier: 'shop', SourceDBClusterIdentifier: { Ref: 'Writer' } },
        },
      },
      { ...T1, name: 'East', region: 'us-east-1' },
    ),
    ...secondaries.map(({ region, instances }) =>
      cfn(
        {
          Secondary: {
            Type: 'AWS::RDS::DBCluster',
            Properties: { Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'shop' },
          },
          ...Object.fromEntries(
            Array.from({ length: instances }, (_, i) => [
              `Reader${i + 1}`,
              {
                Type: 'AWS::RDS::DBInstance',
                Properties: { DBClusterIdentifier: { Ref: 'Secondary' }, Engine: 'aurora-postgresql' },
              },
            ]),
          ),
        },
        { ...T1, role: HaRole.STANDBY, name: `Standby-${region}`, region },
      ),
    ),
  );
}

function coupling(inputs: GraphInputs) {
  const graph: ResourceGraph = buildGraph(inputs);
  return managedRpoCoupling(graph, new ServiceIndex(graph).stacksOf('shop'));
}

const west = (instances: number): Secondary => ({ region: 'us-west-2', instances });
const ohio = (instances: number): Secondary => ({ region: 'us-east-2', instances });

describe('managedRpoCoupling', () => {
  test.each<[string, number | undefined, Secondary[], number]>([
    ['a managed RPO and one secondary region: the writes wait on it', 60, [west(1)], 1],
    ['a managed RPO and two secondary regions with a reader: one within the RPO is enough', 60, [west(1), ohio(1)], 0],
    ['two secondaries with readers in one region: that region is still in series', 60, [west(1), west(2)], 1],
    [
      'a reader in one region, a headless secondary in another: the headless one is not counted',
      60,
      [west(1), ohio(0)],
      1,
    ],
    ['headless secondaries only: whether they count is not documented', 60, [west(0), ohio(0)], 1],
    ['one headless secondary (pilot light): the writes may wait on it', 900, [west(0)], 1],
    ['no managed RPO: nothing blocks the commits (and the RPO has no bound)', undefined, [west(1)], 0],
    ['no secondary: nothing to wait on', 60, [], 0],
  ])('%s', (_, rpo, secondaries, steps) => {
    expect(coupling(globalDatabase(rpo, secondaries))).toHaveLength(steps);
  });

  test('the step names the writer, the bound and the region, and has no value: nothing bounds the path', () => {
    const steps = coupling(globalDatabase(60, [west(1)]));
    expect(steps[0].value).toBeUndefined();
    expect(steps).toEqual([
      expect.objectContaining({
        quantity: 'availability',
        stack: 'East',
        resource: 'Writer',
        figures: ['AURORA_GLOBAL_DB_RPO_PARAMETER'],
        basis: expect.stringMatching(
          /^rds\.global_db_rpo 60 s blocks .*\(us-west-2\) lags more: an outage of us-west-2, or of the path to it/,
        ),
      }),
    ]);
  });

  test('a headless secondary beside the one with a reader is named as not counted', () => {
    const [step] = coupling(globalDatabase(60, [west(1), ohio(0)]));
    expect(step.basis).toMatch(/an outage of us-west-2, or of the path to it/);
    expect(step.basis).toMatch(/the headless secondary in us-east-2 does not count/);
  });

  test('with headless secondaries only, the step says their part is unknown', () => {
    const [step] = coupling(globalDatabase(60, [west(0), ohio(0)]));
    expect(step.value).toBeUndefined();
    expect(step.basis).toMatch(/its secondaries \(us-west-2, us-east-2\) are headless: AWS does not say whether/);
  });
});
