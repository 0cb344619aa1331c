import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { recordDrillMeasurement } from '../../lib/aws';
import { buildGraph } from '../../lib/checks/graph/load';
import { DRILL_MEASUREMENTS_METADATA_KEY, DrillMeasurement } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const DRILL = 'RegionEvacuationDrill experiment EXP1a2b3c4d5e6f7';
const SCALE_UP: DrillMeasurement = { step: 'scale-up', seconds: 420, measuredOn: '2026-03-02', drill: DRILL };

/** A standby stack: a fleet (a construct holding its group), a secondary cluster and two runbooks. */
function standbyStack() {
  const stack = new Stack(testApp(), 'Standby', { env: { region: 'us-west-2' } });
  const fleet = new Construct(stack, 'Fleet');
  const group = new autoscaling.CfnAutoScalingGroup(fleet, 'Group', { minSize: '3', maxSize: '9' });
  const cluster = new rds.CfnDBCluster(stack, 'Secondary', {
    engine: 'aurora-postgresql',
    globalClusterIdentifier: 'orders',
  });
  const runbooks = new Construct(stack, 'Runbooks');
  const promote = new ssm.CfnDocument(runbooks, 'Promote', { content: {}, documentType: 'Automation' });
  new ssm.CfnDocument(runbooks, 'Scale', { content: {}, documentType: 'Automation' });
  return { stack, fleet, group, cluster, runbooks, promote };
}

function metadataOf(stack: Stack, logicalId: string): unknown {
  return Template.fromStack(stack).toJSON().Resources[logicalId].Metadata?.[DRILL_MEASUREMENTS_METADATA_KEY];
}

describe('recordDrillMeasurement (CDK)', () => {
  test('GIVEN the fleet construct THEN the record goes on its one Auto Scaling group, keyed by step', () => {
    const { stack, fleet, group } = standbyStack();
    recordDrillMeasurement(fleet, SCALE_UP);
    expect(metadataOf(stack, stack.getLogicalId(group))).toEqual({
      'scale-up': { seconds: 420, measuredOn: '2026-03-02', drill: DRILL },
    });
  });

  test('GIVEN a later drill of the same step THEN it replaces the record; another step sits beside it', () => {
    const { stack, cluster } = standbyStack();
    recordDrillMeasurement(cluster, {
      step: 'writer-creation',
      seconds: 600,
      measuredOn: '2026-01-12',
      drill: 'game day 2026-Q1',
    });
    recordDrillMeasurement(cluster, { step: 'writer-creation', seconds: 540, measuredOn: '2026-03-02', drill: DRILL });
    recordDrillMeasurement(cluster, { step: 'promotion', seconds: 75, measuredOn: '2026-03-02', drill: DRILL });
    expect(metadataOf(stack, stack.getLogicalId(cluster))).toEqual({
      'writer-creation': { seconds: 540, measuredOn: '2026-03-02', drill: DRILL },
      promotion: { seconds: 75, measuredOn: '2026-03-02', drill: DRILL },
    });
  });

  test('GIVEN the stack and a service-wide step THEN the template Metadata carries it, and ha-report reads it back', () => {
    const { stack } = standbyStack();
    recordDrillMeasurement(stack, { step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: DRILL });
    const template = Template.fromStack(stack).toJSON();
    expect(template.Metadata[DRILL_MEASUREMENTS_METADATA_KEY]).toEqual({
      decision: { seconds: 240, measuredOn: '2026-03-02', drill: DRILL },
    });
    const graph = buildGraph({ cloudFormation: [{ name: 'Standby', region: 'us-west-2', template }] });
    expect(graph.stacks[0].drillMeasurements).toEqual([
      { step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: DRILL },
    ]);
  });

  test('GIVEN the stack and a step of one resource THEN the record goes on the only such resource in it', () => {
    const stack = new Stack(testApp(), 'Standby', { env: { region: 'us-west-2' } });
    const group = new autoscaling.CfnAutoScalingGroup(stack, 'Group', { minSize: '3', maxSize: '9' });
    recordDrillMeasurement(stack, SCALE_UP);
    expect(metadataOf(stack, stack.getLogicalId(group))).toEqual({
      'scale-up': expect.objectContaining({ seconds: 420 }),
    });
    expect(Template.fromStack(stack).toJSON().Metadata?.[DRILL_MEASUREMENTS_METADATA_KEY]).toBeUndefined();
  });

  test('GIVEN a runbook document THEN a decision is recorded on it', () => {
    const { stack, promote } = standbyStack();
    recordDrillMeasurement(promote, { step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: DRILL });
    expect(metadataOf(stack, stack.getLogicalId(promote))).toEqual({
      decision: expect.objectContaining({ seconds: 240 }),
    });
  });

  test('GIVEN a scope with two resources the step concerns THEN it refuses to guess, naming them', () => {
    const { runbooks } = standbyStack();
    expectValidationError(
      () => recordDrillMeasurement(runbooks, { ...SCALE_UP, step: 'decision' }),
      'scope must hold exactly one resource a decision measurement concerns (AWS::SSM::Document), ' +
        'got: Standby/Runbooks/Promote, Standby/Runbooks/Scale in Standby/Runbooks',
    );
  });

  test('GIVEN a scope with no resource the step concerns THEN it says which types it looked for', () => {
    const { fleet } = standbyStack();
    expectValidationError(
      () => recordDrillMeasurement(fleet, { ...SCALE_UP, step: 'restore' }),
      'scope must hold exactly one resource a restore measurement concerns (AWS::Backup::BackupPlan), ' +
        'got: none in Standby/Fleet',
    );
  });

  test.each<[Partial<DrillMeasurement>, string]>([
    [{ seconds: 0 }, "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: 0"],
    [{ measuredOn: '2026-02-30' }, 'measuredOn must be a UTC date YYYY-MM-DD that exists, got: "2026-02-30"'],
    [
      { measuredOn: '2999-01-01' },
      expect.stringMatching(/^measuredOn must be a date not after today \(\d{4}-\d{2}-\d{2} UTC\), got: "2999/),
    ],
    [{ drill: '' }, 'drill must be a non-empty text naming the drill and its run (e.g. a FIS experiment id), got: ""'],
  ])('%#: GIVEN %p THEN the error names the prop, the value and what is allowed', (change, message) => {
    const { fleet } = standbyStack();
    let error: unknown;
    try {
      recordDrillMeasurement(fleet, { ...SCALE_UP, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ message, prop: Object.keys(change)[0] });
    if (typeof message === 'string') {
      expectValidationError(() => recordDrillMeasurement(fleet, { ...SCALE_UP, ...change }), message);
    }
  });
});
