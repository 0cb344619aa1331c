import { execFileSync } from 'child_process';
import { ServiceTier } from '../../../lib/core';
import {
  planZonalOutlier,
  zonalImpairedRule,
  zonalOutlierExpression,
  zonalOutlierMetricIds,
} from '../../../lib/core/plans/zonal-outlier';
import { planZonalShift } from '../../../lib/core/plans/zonal-shift';
import { GROUP_CHECK_SCRIPT, zonalShiftRunbookContent } from '../../../lib/core/plans/zonal-shift-runbook';

/*
 * The texts core hands both engines (expressions, composite rule, runbook) and the engine-specific
 * names their problems and warnings take. What the texts compute is pinned by the math test, which
 * evaluates the rendered alarms of both engines.
 */

const plan = (latencyThresholdSeconds?: number) =>
  planZonalOutlier(ServiceTier.TIER_1, { zoneCount: 2, zonesKnown: true, latencyThresholdSeconds });

test('the outlier expression of a zone compares its 5xx with the mean of every other zone, by their ids', () => {
  expect(zonalOutlierMetricIds(2)).toEqual({ target5xx: 't2', elb5xx: 'e2' });
  expect(zonalOutlierExpression(plan(), 1, 2)).toBe(
    'IF((FILL(t1, 0) + FILL(e1, 0)) >= 5 AND ' +
      '(FILL(t1, 0) + FILL(e1, 0)) > 3 * ((FILL(t0, 0) + FILL(e0, 0))) / 1, 1, 0)',
  );
});

test('the Impaired rule: own breach and outlier, not region-wide; with a latency threshold, or slow alone', () => {
  const name = (kind: string, i: number) => `${kind}${i}`;
  expect(zonalImpairedRule(plan(), 0, 2, name)).toBe(
    '(ALARM("availability0") AND ALARM("outlier0") AND ' +
      '(NOT ((ALARM("availability0") AND ALARM("availability1")))))',
  );
  expect(zonalImpairedRule(plan(0.3), 1, 2, name)).toBe(
    '((ALARM("availability1") AND ALARM("outlier1") AND (NOT ((ALARM("availability0") AND ALARM("availability1"))))) ' +
      'OR (ALARM("latency1") AND (NOT ((ALARM("latency0") AND ALARM("latency1"))))))',
  );
});

test('problems and warnings name the engine’s props and why its zones are unknown', () => {
  expect(
    planZonalOutlier(ServiceTier.TIER_1, {
      zoneCount: 3,
      zonesKnown: true,
      latencyThresholdSeconds: -1,
      propNames: { latencyThreshold: 'latencyThresholdSeconds' },
    }).problems,
  ).toEqual([
    { prop: 'latencyThresholdSeconds', message: 'latencyThresholdSeconds must be greater than 0, got: -1 seconds' },
  ]);
  expect(
    planZonalOutlier(ServiceTier.TIER_1, {
      zoneCount: undefined,
      zonesKnown: false,
      unknownZones: 'the subnets are a list',
    }).warnings,
  ).toEqual([{ id: 'zones', message: 'no per-AZ impairment detection: the subnets are a list' }]);
  const shift = planZonalShift(ServiceTier.TIER_1, {
    detection: true,
    zoneCount: 3,
    requiredCapacity: 6,
    perAzCapacity: 3,
    expirySeconds: 30,
    propNames: { zonalShiftExpiry: 'zonalShiftExpirySeconds' },
  });
  expect(shift.problems.map((p) => p.prop)).toEqual(['zonalShiftExpirySeconds']);
});

test('the runbook counts the tasks of an ECS service, or the instances of a group, with the plan’s guards', () => {
  const shift = planZonalShift(ServiceTier.TIER_1, {
    detection: true,
    zoneCount: 3,
    requiredCapacity: 6,
    perAzCapacity: 3,
  });
  const common = {
    owner: 'app/Svc',
    plan: shift,
    roleArn: 'role',
    zones: ['a', 'b'],
    loadBalancerArn: 'lb',
    topicArn: 't',
  };
  const payload = (content: Record<string, unknown>) =>
    (content.mainSteps as { inputs: { InputPayload: unknown } }[])[0].inputs.InputPayload;
  expect(payload(zonalShiftRunbookContent({ ...common, capacity: { cluster: 'c', serviceName: 's' } }))).toEqual({
    AvailabilityZone: '{{ AvailabilityZone }}',
    LoadBalancerArn: 'lb',
    Cluster: 'c',
    ServiceName: 's',
    MinInstancesLeft: 6,
    Unit: 'running tasks',
    MaxActiveShifts: 1,
    ExpiresIn: '180m',
  });
  expect(payload(zonalShiftRunbookContent({ ...common, capacity: { autoScalingGroupName: 'g' } }))).toEqual(
    expect.objectContaining({ AutoScalingGroupName: 'g', Unit: 'in-service instances' }),
  );
  // A group left unshifted fails the execution after the notice; a service has no group to check.
  const steps = (content: Record<string, unknown>) =>
    (content.mainSteps as { name: string; nextStep?: string; isEnd?: boolean }[]).map((step) => [
      step.name,
      step.nextStep ?? (step.isEnd ? 'end' : undefined),
    ]);
  expect(steps(zonalShiftRunbookContent({ ...common, capacity: { autoScalingGroupName: 'g' } }))).toEqual([
    ['ShiftAwayIfSafe', 'Notify'],
    ['Notify', 'FailIfGroupNotShifted'],
    ['FailIfGroupNotShifted', 'end'],
    ['NotifyFailure', 'end'],
  ]);
  expect(steps(zonalShiftRunbookContent({ ...common, capacity: { cluster: 'c', serviceName: 's' } }))).toEqual([
    ['ShiftAwayIfSafe', 'Notify'],
    ['Notify', 'end'],
    ['NotifyFailure', 'end'],
  ]);
});

test('the group check fails its step only when the load balancer was shifted without the group', () => {
  // SSM may hand the Boolean output over as a boolean or as its text.
  const cases = ['True', '"true"', '"True"', 'False', '"false"'];
  const harness = [
    GROUP_CHECK_SCRIPT,
    `for value in [${cases.join(', ')}]:`,
    '    try:',
    '        handler({"GroupFailed": value}, None)',
    '        print("passes")',
    '    except Exception:',
    '        print("fails")',
  ].join('\n');
  const out = execFileSync('python3', ['-c', harness], { encoding: 'utf8' }).trim().split('\n');
  expect(out).toEqual(['fails', 'fails', 'fails', 'passes', 'passes']);
});
