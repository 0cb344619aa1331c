import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { buildGraph } from '../../lib/checks/graph/load';
import { DRILL_MEASUREMENTS_METADATA_KEY, DrillMeasurement, HaValidationError } from '../../lib/core';
import { recordDrillMeasurement } from '../../lib/tf/aws';
import { recordDrillMeasurement as recordOnGoogle } from '../../lib/tf/google';

const DRILL = 'region drill, FIS experiment EXP1a2b3c4d5e6f7';
const SCALE_UP: DrillMeasurement = { step: 'scale-up', seconds: 420, measuredOn: '2026-03-02', drill: DRILL };

type TfJson = {
  '//'?: Record<string, unknown>;
  resource: Record<string, Record<string, { '//'?: Record<string, unknown> }>>;
};

/** A standby stack on AWS: a fleet (a construct holding its group) and two runbooks. */
function awsStandby() {
  const stack = new TerraformStack(Testing.app(), 'standby');
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  const fleet = new Construct(stack, 'Fleet');
  new AutoscalingGroup(fleet, 'Group', { minSize: 3, maxSize: 9 });
  const runbooks = new Construct(stack, 'Runbooks');
  new SsmDocument(runbooks, 'Promote', { name: 'promote', documentType: 'Automation', content: '{}' });
  new SsmDocument(runbooks, 'Scale', { name: 'scale', documentType: 'Automation', content: '{}' });
  return { stack, fleet, runbooks };
}

/** The Terraform JSON with its `//` blocks, as `cdktf synth` writes it. */
function written(stack: TerraformStack): TfJson {
  Testing.synth(stack, true);
  return stack.toTerraform() as TfJson;
}

function only(json: TfJson, type: string): { '//'?: Record<string, unknown> } {
  const found = Object.values(json.resource[type]);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('recordDrillMeasurement (Terraform)', () => {
  test('GIVEN the fleet construct THEN its autoscaling group carries the record in its // block, which ha-report reads', () => {
    const { stack, fleet } = awsStandby();
    recordDrillMeasurement(fleet, SCALE_UP);
    recordDrillMeasurement(fleet, { ...SCALE_UP, seconds: 480, measuredOn: '2026-03-09' });
    const json = written(stack);
    expect(only(json, 'aws_autoscaling_group')['//']?.[DRILL_MEASUREMENTS_METADATA_KEY]).toEqual({
      'scale-up': { seconds: 480, measuredOn: '2026-03-09', drill: DRILL },
    });
    const graph = buildGraph({ terraform: [{ name: 'standby', json }] });
    expect(graph.resources.find((r) => r.type === 'aws_autoscaling_group')?.drillMeasurements).toEqual([
      { step: 'scale-up', seconds: 480, measuredOn: '2026-03-09', drill: DRILL },
    ]);
  });

  test("GIVEN the stack and a service-wide step THEN the stack's // block carries it", () => {
    const { stack } = awsStandby();
    recordDrillMeasurement(stack, { step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: DRILL });
    const json = written(stack);
    expect(json['//']?.[DRILL_MEASUREMENTS_METADATA_KEY]).toEqual({
      decision: { seconds: 240, measuredOn: '2026-03-02', drill: DRILL },
    });
    expect(buildGraph({ terraform: [{ name: 'standby', json }] }).stacks[0].drillMeasurements).toEqual([
      { step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: DRILL },
    ]);
  });

  test('GIVEN a Cloud SQL replica THEN a promotion is recorded on it (the Google entry point)', () => {
    const stack = new TerraformStack(Testing.app(), 'catalog');
    new GoogleProvider(stack, 'google', { project: 'p' });
    const replica = new SqlDatabaseInstance(stack, 'Replica', {
      databaseVersion: 'POSTGRES_16',
      region: 'europe-west4',
      settings: { tier: 'db-custom-2-7680' },
    });
    recordOnGoogle(replica, {
      step: 'promotion',
      seconds: 190,
      measuredOn: '2026-03-02',
      drill: 'catalog game day 2026-Q1',
    });
    expect(only(written(stack), 'google_sql_database_instance')['//']?.[DRILL_MEASUREMENTS_METADATA_KEY]).toEqual({
      promotion: { seconds: 190, measuredOn: '2026-03-02', drill: 'catalog game day 2026-Q1' },
    });
  });

  test('GIVEN a scope with two resources the step concerns THEN it refuses to guess, naming them', () => {
    const { runbooks } = awsStandby();
    expect(() => recordDrillMeasurement(runbooks, { ...SCALE_UP, step: 'promotion' })).toThrow(
      new HaValidationError(
        'scope must hold exactly one resource a promotion measurement concerns ' +
          '(aws_rds_cluster, google_sql_database_instance, google_spanner_database, aws_ssm_document, google_workflows_workflow), ' +
          'got: standby/Runbooks/Promote, standby/Runbooks/Scale in standby/Runbooks',
      ),
    );
  });

  test('GIVEN an invalid measurement THEN the error names the prop, the value and what is allowed', () => {
    const { fleet } = awsStandby();
    let error: unknown;
    try {
      recordDrillMeasurement(fleet, { ...SCALE_UP, seconds: Number.POSITIVE_INFINITY });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect(error).toMatchObject({
      prop: 'seconds',
      path: 'standby/Fleet',
      message: "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: Infinity",
    });
  });
});
