import { DrStrategy, ServiceTier } from '../../../lib/core';
import {
  FailoverWorkflowsIntent,
  failbackWorkflowPlan,
  failoverWorkflowsProblems,
  promotionWorkflowPlan,
  scaleUpWorkflowPlan,
} from '../../../lib/core/plans/google-runbooks';

const INTENT: FailoverWorkflowsIntent = {
  tier: ServiceTier.TIER_2,
  drReplica: true,
  standbyAutoscaler: true,
  primaryMinInstances: 2,
  standbyMinInstances: 0,
  region: 'europe-west4',
  primaryRegion: 'europe-west1',
  drReplicaRegion: 'europe-west4',
  standbyRegion: 'europe-west4',
  trigger: { alarm: false, decisionSeconds: 900 },
};

describe('failoverWorkflowsProblems', () => {
  test('a pilot light with a person who decides in 15 minutes has none', () => {
    expect(failoverWorkflowsProblems(INTENT)).toEqual([]);
  });

  test.each<[Partial<FailoverWorkflowsIntent>, string, string]>([
    [
      { drReplica: false, standbyAutoscaler: false },
      'drReplica',
      'drReplica or standbyFleet must be given: a runbook with nothing to fail over, got: neither',
    ],
    [
      { tier: ServiceTier.TIER_3 },
      'tier',
      'tier must keep a standby region to fail over to, got: TIER_3 (BACKUP_RESTORE)',
    ],
    [
      { trigger: undefined },
      'trigger',
      'trigger must say what starts the promotion and scale-up workflows (FailoverTrigger.alert or ' +
        'FailoverTrigger.operator): a runbook nobody starts recovers nothing, got: none',
    ],
    [
      { tier: ServiceTier.TIER_0 },
      'trigger',
      'trigger must be an alert for TIER_0: ACTIVE_ACTIVE fails over with no human step, got: an operator',
    ],
    [
      { trigger: { alarm: false, decisionSeconds: 0 } },
      'trigger',
      'trigger decisionSeconds must be longer than 0, got: 0',
    ],
    [
      { primaryMinInstances: 1.5 },
      'primaryMinInstances',
      'primaryMinInstances must be a whole number of instances, got: 1.5',
    ],
    [{ standbyMinInstances: 3 }, 'standbyFleet', 'standbyFleet must run fewer instances than the primary, got: 3 > 2'],
    [
      { primaryMinInstances: 0 },
      'primaryFleet',
      'primaryFleet must keep at least one instance for the standby to scale to, got: 0',
    ],
    [
      { region: 'europe-west1' },
      'region',
      'region must be the standby region: a runbook in the primary region europe-west1 is lost with it, got: europe-west1',
    ],
    [
      { standbyRegion: 'europe-west2' },
      'standbyFleet',
      "standbyFleet must be in the workflows' region europe-west4, the standby region, got: europe-west2",
    ],
  ])('%j is a problem of %s', (change, prop, message) => {
    expect(failoverWorkflowsProblems({ ...INTENT, ...change })).toEqual([{ prop, message }]);
  });

  test('what is unknown at synthesis is not judged', () => {
    const unknown = { region: undefined, primaryMinInstances: undefined, standbyMinInstances: undefined };
    expect(failoverWorkflowsProblems({ ...INTENT, ...unknown })).toEqual([]);
  });
});

/** Every step of a definition, switch branches included, as `[id, body]`. */
function stepsOf(definition: Record<string, unknown>): [string, Record<string, unknown>][] {
  const walk = (steps: Record<string, Record<string, unknown>>[]): [string, Record<string, unknown>][] =>
    steps.flatMap((s) => {
      const [[id, body]] = Object.entries(s);
      const branches = (body.switch as { steps?: Record<string, Record<string, unknown>>[] }[] | undefined) ?? [];
      return [[id, body] as [string, Record<string, unknown>], ...walk(branches.flatMap((b) => b.steps ?? []))];
    });
  return walk((definition.main as { steps: Record<string, Record<string, unknown>>[] }).steps);
}

describe('the workflow plans', () => {
  const tier = ServiceTier.TIER_2;
  const trigger = { alarm: true };

  test('promotion: refuses a run without a mode, fails over or switches over, and waits up to the region RTO', () => {
    const plan = promotionWorkflowPlan({ service: 'catalog', tier, region: 'europe-west4', trigger });
    const steps = new Map(stepsOf(plan.definition));
    expect([...steps.keys()]).toEqual(
      expect.arrayContaining(['checkMode', 'readReplica', 'alreadyWriter', 'replicaFailover', 'switchover', 'confirm']),
    );
    expect(steps.get('replicaFailover')).toEqual({
      call: 'googleapis.sqladmin.v1.instances.promoteReplica',
      args: { project: '${project}', instance: '${replica}', failover: true, connector_params: { timeout: 3600 } },
    });
    // An alert's Pub/Sub notification fails over only when an incident opens.
    expect(JSON.stringify(steps.get('onlyOpened'))).toContain('map.get(incident, \\"state\\") != \\"open\\"');
    expect(plan.failover).toEqual({ step: 'promotion', startedBy: 'alarm', decisionSeconds: 0 });
  });

  test('scale-up: raises the minimum once, then waits for the group until the region RTO has passed', () => {
    const plan = scaleUpWorkflowPlan({ service: 'catalog', tier: ServiceTier.TIER_1, region: 'europe-west4' });
    const steps = new Map(stepsOf(plan.definition));
    expect(JSON.stringify(steps.get('setMinimum'))).toContain('scaler.autoscalingPolicy.minNumReplicas != target');
    expect(JSON.stringify(steps.get('stableYet'))).toContain(`waited >= ${ServiceTier.TIER_1.regionRtoSeconds}`);
    // No trigger given: a person, whose time is unknown.
    expect(plan.failover).toEqual({ step: 'scale-up', startedBy: 'operator', decisionSeconds: undefined });
  });

  test('failback: only after Cloud SQL has made the old primary a DR replica again, then back to the standby size', () => {
    const plan = failbackWorkflowPlan({
      service: 'catalog',
      tier,
      region: 'europe-west4',
      drReplica: true,
      standbyAutoscaler: true,
    });
    const ids = stepsOf(plan.definition).map(([id]) => id);
    expect(ids.indexOf('primaryIsDrReplica')).toBeLessThan(ids.indexOf('switchBack'));
    expect(ids.indexOf('switchBack')).toBeLessThan(ids.indexOf('patchAutoscaler'));
    expect(Object.keys(plan.env)).toContain('HA_STANDBY_MIN_INSTANCES');
    expect(plan.failover).toBeUndefined();
  });

  test('every tier with a standby region gets a definition whose timeouts are its region RTO', () => {
    for (const t of ServiceTier.BUILT_IN.filter((x) => x.strategy !== DrStrategy.BACKUP_RESTORE)) {
      const text = JSON.stringify(promotionWorkflowPlan({ service: 's', tier: t, region: 'r' }).definition);
      expect(text).toContain(`"timeout":${t.regionRtoSeconds}`);
    }
  });
});
