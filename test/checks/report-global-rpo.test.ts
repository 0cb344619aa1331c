import { checkInputs } from '../../lib/checks/check';
import { ServiceReport } from '../../lib/checks/model';
import { ReplicationLag } from '../../lib/checks/rules';
import { HaRole, ServiceTier } from '../../lib/core';
import { cfn, CfnResource, findings, merge, record, tf } from './fixtures/builders';

/**
 * The region RPO of a global store is what the template bounds, never a typical lag: an Aurora
 * PostgreSQL global database's `rds.global_db_rpo` (read from its cluster parameter group), a
 * DynamoDB global table's strong consistency; without them the figure is unproven, never met.
 */

function regionRpo(report: ServiceReport): {
  value: number | null;
  status: string;
  steps: [number | undefined, string, readonly string[]][];
} {
  return {
    value: report.regionRpoSeconds,
    status: report.status.regionRpo,
    steps: report.derivation.filter((s) => s.quantity === 'regionRpo').map((s) => [s.value, s.basis, s.figures]),
  };
}

/** A TIER_1 Aurora global database in CloudFormation: the primary and its parameter group, and the standby's cluster. */
function auroraCfn(options: { engine?: string; parameters?: Record<string, string> } = {}) {
  const primary: Record<string, CfnResource> = {
    Group: {
      Type: 'AWS::RDS::DBClusterParameterGroup',
      Properties: { Family: 'aurora-postgresql16', Parameters: { 'rds.force_ssl': '1', ...options.parameters } },
    },
    Database: {
      Type: 'AWS::RDS::DBCluster',
      Properties: {
        Engine: options.engine ?? 'aurora-postgresql',
        DBClusterParameterGroupName: { Ref: 'Group' },
        GlobalClusterIdentifier: 'shop',
      },
    },
  };
  const standby: Record<string, CfnResource> = {
    Database: {
      Type: 'AWS::RDS::DBCluster',
      Properties: { Engine: options.engine ?? 'aurora-postgresql', GlobalClusterIdentifier: 'shop' },
    },
  };
  return merge(
    cfn(primary, { tier: ServiceTier.TIER_1, name: 'Primary', region: 'us-east-1' }),
    cfn(standby, { tier: ServiceTier.TIER_1, role: HaRole.REPLICA, name: 'Standby', region: 'us-west-2' }),
  );
}

describe('region RPO of an Aurora global database', () => {
  test("GIVEN rds.global_db_rpo 60 in the primary's parameter group (Ref) THEN 60 s, met, on the parameter and its docs figure", () => {
    const [report] = checkInputs(auroraCfn({ parameters: { 'rds.global_db_rpo': '60' } })).services;
    expect(regionRpo(report)).toEqual({
      value: 60,
      status: 'met',
      steps: [[60, 'rds.global_db_rpo blocks commits beyond 60 s of lag', ['AURORA_GLOBAL_DB_RPO_PARAMETER']]],
    });
    expect(findings(ReplicationLag, auroraCfn({ parameters: { 'rds.global_db_rpo': '60' } }))).toEqual([]);
  });

  test("GIVEN rds.global_db_rpo 120 on TIER_1 THEN 120 s, not met (the parameter bounds it above the tier's 60 s)", () => {
    const [report] = checkInputs(auroraCfn({ parameters: { 'rds.global_db_rpo': '120' } })).services;
    expect(regionRpo(report)).toMatchObject({ value: 120, status: 'not-met' });
  });

  test('GIVEN no rds.global_db_rpo THEN unproven, never met: the typical lag under 1 s bounds nothing; HA-DR3 says so', () => {
    const inputs = auroraCfn();
    const [report] = checkInputs(inputs).services;
    expect(regionRpo(report)).toEqual({
      value: null,
      status: 'unproven',
      steps: [
        [
          undefined,
          'Aurora global database without rds.global_db_rpo: typical lag under 1 s is not a bound: set rds.global_db_rpo, ' +
            'or measure the lag at failover in a region drill',
          [],
        ],
      ],
    });
    expect(findings(ReplicationLag, inputs).map((f) => f.message)).toEqual([
      expect.stringContaining('replicates with no published bound'),
    ]);
  });

  test('GIVEN Aurora MySQL, even with a parameter of that name THEN unproven: Aurora MySQL has no managed RPO', () => {
    const [report] = checkInputs(
      auroraCfn({ engine: 'aurora-mysql', parameters: { 'rds.global_db_rpo': '60' } }),
    ).services;
    expect(regionRpo(report)).toMatchObject({ value: null, status: 'unproven' });
    expect(regionRpo(report).steps[0][1]).toMatch(
      /^Aurora MySQL global database: typical lag under 1 s is not a bound, and Aurora MySQL has no rds.global_db_rpo/,
    );
  });

  test("GIVEN a value below Aurora's 20 s minimum THEN unproven (Aurora would refuse it)", () => {
    const [report] = checkInputs(auroraCfn({ parameters: { 'rds.global_db_rpo': '5' } })).services;
    expect(regionRpo(report)).toMatchObject({ value: null, status: 'unproven' });
  });

  test('GIVEN Terraform: the parameter block of the group the cluster names by ${...} THEN the same bound; a group it does not name counts for nothing', () => {
    const primaryMeta = { '//': { 'ha-constructs': record(ServiceTier.TIER_1) } };
    const body = (groupName: string) => ({
      aws_rds_global_cluster: { g: { ...primaryMeta, global_cluster_identifier: 'shop' } },
      aws_rds_cluster_parameter_group: {
        rpo: {
          ...primaryMeta,
          family: 'aurora-postgresql16',
          parameter: [
            { name: 'rds.force_ssl', value: '1' },
            { name: 'rds.global_db_rpo', value: '60' },
          ],
        },
        plain: { ...primaryMeta, family: 'aurora-postgresql16', parameter: [{ name: 'rds.force_ssl', value: '1' }] },
      },
      aws_rds_cluster: {
        primary: {
          ...primaryMeta,
          engine: 'aurora-postgresql',
          global_cluster_identifier: '${aws_rds_global_cluster.g.id}',
          db_cluster_parameter_group_name: `\${aws_rds_cluster_parameter_group.${groupName}.name}`,
        },
      },
    });
    const [named] = checkInputs(tf(body('rpo'))).services;
    expect(regionRpo(named)).toMatchObject({ value: 60, status: 'met' });
    const [other] = checkInputs(tf(body('plain'))).services;
    expect(regionRpo(other)).toMatchObject({ value: null, status: 'unproven' });
  });
});

describe('region RPO of a DynamoDB global table', () => {
  const table = (consistency?: string): Record<string, CfnResource> => ({
    Table: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        Replicas: [{ Region: 'us-east-1' }, { Region: 'us-west-2' }],
        ...(consistency ? { MultiRegionConsistency: consistency } : {}),
      },
    },
  });

  test('GIVEN eventual consistency THEN unproven: AWS publishes a typical lag and no SLA on it', () => {
    const [report] = checkInputs(cfn(table(), { tier: ServiceTier.TIER_1 })).services;
    expect(regionRpo(report)).toMatchObject({ value: null, status: 'unproven' });
    expect(regionRpo(report).steps[0][1]).toMatch(
      /^DynamoDB global table with eventual consistency: typical lag under 1 s is not a bound/,
    );
  });

  test('GIVEN multi-region strong consistency THEN 0 s, met', () => {
    const [report] = checkInputs(cfn(table('STRONG'), { tier: ServiceTier.TIER_0 })).services;
    expect(regionRpo(report)).toMatchObject({ value: 0, status: 'met' });
  });
});
