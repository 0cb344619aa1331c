import { ResourceGraph } from '../../lib/checks/graph/graph';
import { buildGraph, GraphInputs } from '../../lib/checks/graph/load';
import { managedRpoCoupling } from '../../lib/checks/report/managed-rpo-coupling';
import { ServiceIndex } from '../../lib/checks/services';
import { HaRole, ServiceTier } from '../../lib/core';
import { cfn, merge } from './fixtures/builders';

const T1 = { tier: ServiceTier.TIER_1 };

/** An Aurora PostgreSQL writer in us-east-1 (with `rds.global_db_rpo` at `rpo`, if given) and secondaries. */
function globalDatabase(rpo: number | undefined, secondaryRegions: string[]): GraphInputs {
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
    ...secondaryRegions.map((region) =>
      cfn(
        {
          Secondary: {
            Type: 'AWS::RDS::DBCluster',
            Properties: { Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'shop' },
          },
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

describe('managedRpoCoupling', () => {
  test.each<[string, number | undefined, string[], number]>([
    ['a managed RPO and one secondary region: the writes wait on it', 60, ['us-west-2'], 1],
    ['a managed RPO and two secondary regions: one within the RPO is enough', 60, ['us-west-2', 'eu-west-1'], 0],
    ['no managed RPO: nothing blocks the commits (and the RPO has no bound)', undefined, ['us-west-2'], 0],
    ['no secondary: nothing to wait on', 60, [], 0],
  ])('%s', (_, rpo, regions, steps) => {
    expect(coupling(globalDatabase(rpo, regions))).toHaveLength(steps);
  });

  test('the step names the writer, the bound and the region, and has no value: nothing bounds the path', () => {
    const steps = coupling(globalDatabase(60, ['us-west-2']));
    expect(steps[0].value).toBeUndefined();
    expect(steps).toEqual([
      expect.objectContaining({
        quantity: 'availability',
        stack: 'East',
        resource: 'Writer',
        basis: expect.stringMatching(/^rds\.global_db_rpo 60 s blocks .*an outage of us-west-2, or of the path to it/),
      }),
    ]);
  });
});
