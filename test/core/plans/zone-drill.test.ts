import { ServiceTier } from '../../../lib/core';
import {
  OVERRUN_MARGIN_SECONDS,
  planZoneEvacuationDrill,
  REPAIR_RESTORE_WAIT_SECONDS,
  ZoneDrillIntent,
} from '../../../lib/core/plans/zone-drill';

const INTENT: ZoneDrillIntent = {
  zone: 'europe-west1-b',
  region: 'europe-west1',
  fleetZones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
  pagedChannels: 1,
};

/** Every step of the definition's `main`, try blocks and switch branches included, by id. */
function stepsOf(plan: { definition: Record<string, unknown> }): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (steps: Record<string, Record<string, unknown>>[]) => {
    for (const s of steps) {
      const [[id, body]] = Object.entries(s);
      found.set(id, body);
      const inner = [
        ...((body.switch as { steps?: typeof steps }[]) ?? []).flatMap((b) => b.steps ?? []),
        ...(((body.try as { steps?: typeof steps }) ?? {}).steps ?? []),
        ...(((body.except as { steps?: typeof steps }) ?? {}).steps ?? []),
        ...(((body.for as { steps?: typeof steps }) ?? {}).steps ?? []),
      ];
      walk(inner);
    }
  };
  for (const workflow of Object.values(plan.definition) as { steps: Record<string, Record<string, unknown>>[] }[]) {
    walk(workflow.steps);
  }
  return found;
}

describe('planZoneEvacuationDrill', () => {
  test.each([
    // tier → minutes: twice the AZ RTO, at least 10
    ['TIER_0', 10],
    ['TIER_1', 10],
    ['TIER_2', 10],
    ['TIER_3', 30],
  ])('%s: the zone stays out %i minutes, and the recovery is judged against the AZ RTO', (name, minutes) => {
    const tier = ServiceTier.fromName(name);
    const plan = planZoneEvacuationDrill(tier, INTENT);
    expect(plan).toMatchObject({ durationMinutes: minutes, recoveryObjectiveSeconds: tier.azRtoSeconds, problems: [] });
    expect(JSON.stringify(stepsOf(plan).get('stopOrGoOn'))).toContain(`sys.now() - started >= ${minutes * 60}`);
    expect(JSON.stringify(stepsOf(plan).get('verdict'))).toContain(`recovered > ${tier.azRtoSeconds}`);
  });

  test.each<[Partial<ZoneDrillIntent>, string, string]>([
    [{ zone: 'europe-west4-a' }, 'zone', "zone must be in the fleet's region europe-west1, got: europe-west4-a"],
    [
      { zone: 'europe-west1-d', fleetZones: ['europe-west1-b', 'europe-west1-c'] },
      'zone',
      "zone must be one of the fleet's zones (europe-west1-b, europe-west1-c), got: europe-west1-d",
    ],
    [
      { fleetZones: ['europe-west1-b'] },
      'fleet',
      'fleet must run in at least 2 zones for a zone to be evacuated, got: 1',
    ],
    [{ durationMinutes: 0 }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 720, got: 0'],
    [
      { durationMinutes: 1 },
      'durationMinutes',
      "durationMinutes must let the service recover within TIER_1's AZ RTO of 120 s, got: 1",
    ],
    [
      { schedule: 'every tuesday' },
      'schedule',
      'schedule must be a cron expression of five fields (0 10 * * TUE), got: every tuesday',
    ],
  ])('%j is a problem of %s', (change, prop, message) => {
    expect(planZoneEvacuationDrill(ServiceTier.TIER_1, { ...INTENT, ...change }).problems).toEqual([{ prop, message }]);
  });

  test('what is unknown at synthesis is not judged', () => {
    expect(planZoneEvacuationDrill(ServiceTier.TIER_1, {}).problems).toEqual([]);
  });

  test.each([
    // tier, minutes given → the watchdog's deadline, the fault alert's duration (s)
    ['TIER_1', undefined, 1500, 1800],
    ['TIER_3', undefined, 2700, 3000],
    ['TIER_1', 45, 3600, 3900],
    // 720 min: 43200 + 600 + 300, the alert a whole number of minutes after the deadline's margin
    ['TIER_2', 720, 44100, 44400],
  ])(
    '%s, %s min: the watchdog cancels and restores at %i s, the fault alert pages after %i s',
    (name, minutes, deadline, alert) => {
      const plan = planZoneEvacuationDrill(ServiceTier.fromName(name), { ...INTENT, durationMinutes: minutes });
      expect(plan.deadlineSeconds).toBe(deadline);
      expect(plan.deadlineSeconds).toBe(
        plan.durationMinutes * 60 + REPAIR_RESTORE_WAIT_SECONDS + OVERRUN_MARGIN_SECONDS,
      );
      expect(plan.faultAlert).toEqual({ periodSeconds: 300, durationSeconds: alert, durationMinutes: alert / 60 });
      expect(plan.failureAlert).toEqual({ periodSeconds: 300 });
      // A drill that ends in time never pages: the alert waits past the deadline.
      expect(plan.faultAlert.durationSeconds).toBeGreaterThan(plan.deadlineSeconds);
      expect(JSON.stringify(stepsOf(plan).get('watchdogArguments'))).toContain(`started + ${deadline}`);
    },
  );

  test('WHEN no channel would be paged THEN a warning says the fault alert pages nobody', () => {
    expect(planZoneEvacuationDrill(ServiceTier.TIER_1, INTENT).warnings).toEqual([]);
    expect(planZoneEvacuationDrill(ServiceTier.TIER_1, { ...INTENT, pagedChannels: 0 }).warnings).toEqual([
      {
        id: 'notificationChannels',
        message:
          'no notificationChannels: nobody is paged when the zone stays out 30 min after a drill started (the ' +
          'drill and its watchdog both cancelled); the next drill finds it',
      },
    ]);
  });

  test('THEN the watchdog starts after every refusal and before anything is touched, and the drill watches it', () => {
    const order = [...stepsOf(planZoneEvacuationDrill(ServiceTier.TIER_1, INTENT)).keys()];
    for (const refusal of ['notInFreeze', 'aloneOrRefuse', 'refuseWithoutRepair']) {
      expect(order.indexOf(refusal)).toBeLessThan(order.indexOf('startWatchdog'));
    }
    expect(order.indexOf('startWatchdog')).toBeLessThan(order.indexOf('suspendRepair'));
    // A second drill refuses before its freeze guard seeks the stop subscription: the seek would drop the
    // running drill's unread alerts.
    expect(order.indexOf('aloneOrRefuse')).toBeLessThan(order.indexOf('skipOldAlerts'));
    // Each poll reads the watchdog before deciding to go on.
    expect(order.indexOf('readAlerts')).toBeLessThan(order.indexOf('readWatchdog'));
    expect(order.indexOf('watchdogAlive')).toBeLessThan(order.indexOf('stopOrGoOn'));
  });

  test('THEN the workflow checks the budget before the fault, rolls back on any error, and stops on an opened incident', () => {
    const steps = stepsOf(planZoneEvacuationDrill(ServiceTier.TIER_1, INTENT));
    const order = [...steps.keys()];
    // The freeze: a spent (or unknown) budget ends the run before anything is touched.
    expect(order.indexOf('notInFreeze')).toBeLessThan(order.indexOf('injectFault'));
    expect(JSON.stringify(steps.get('readBudget'))).toContain('select_slo_budget_fraction');
    expect(steps.get('drill')).toEqual(
      expect.objectContaining({
        except: expect.objectContaining({
          steps: expect.arrayContaining([
            { rollBack: expect.objectContaining({ args: expect.objectContaining({ add: false }) }) },
          ]),
        }),
      }),
    );
    expect(JSON.stringify(steps.get('opened'))).toContain('map.get(incident, \\"state\\") == \\"open\\"');
    // The fault only tags; setting tags needs the instance's fingerprint, read just before.
    expect(steps.get('setTags')).toEqual(
      expect.objectContaining({
        call: 'googleapis.compute.v1.instances.setTags',
        args: expect.objectContaining({ body: { items: '${wanted}', fingerprint: '${instance.tags.fingerprint}' } }),
      }),
    );
  });

  test('THEN health-check repair is off while the zone is out, and put back as found only once the zone passes again', () => {
    const steps = stepsOf(planZoneEvacuationDrill(ServiceTier.TIER_1, INTENT));
    const order = [...steps.keys()];
    const patched = (id: string) =>
      (steps.get(id) as { args: { body: { instanceLifecyclePolicy: { onFailedHealthCheck: string } } } }).args.body
        .instanceLifecyclePolicy.onFailedHealthCheck;
    // Suspended before the firewall takes the zone out: the blocked probes must not recreate its instances.
    expect(steps.get('suspendRepair')).toEqual(
      expect.objectContaining({ call: 'googleapis.compute.v1.regionInstanceGroupManagers.patch' }),
    );
    expect(patched('suspendRepair')).toBe('DO_NOTHING');
    expect(order.indexOf('suspendRepair')).toBeLessThan(order.indexOf('injectFault'));
    // A run that finds repair off (a cancelled drill) refuses before touching anything.
    expect(JSON.stringify(steps.get('refuseWithoutRepair'))).toContain('repairBefore == \\"DO_NOTHING\\"');
    expect(order.indexOf('refuseWithoutRepair')).toBeLessThan(order.indexOf('markStart'));
    // Restored to what was read, after the tag is off and the zone's instances pass: on success and on failure.
    for (const [untag, wait, restore] of [
      ['endFault', 'awaitZone', 'restoreRepair'],
      ['rollBack', 'awaitZoneAfterFailure', 'restoreRepairAfterFailure'],
    ]) {
      expect(order.indexOf(untag)).toBeLessThan(order.indexOf(wait));
      expect(order.indexOf(wait)).toBeLessThan(order.indexOf(restore));
      expect(patched(restore)).toBe('${repairBefore}');
      expect(steps.get(wait)).toEqual(
        expect.objectContaining({
          call: 'awaitZoneHealthy',
          args: expect.objectContaining({ deadline: `\${sys.now() + ${REPAIR_RESTORE_WAIT_SECONDS}}` }),
        }),
      );
    }
    // The wait ends when no instance of the zone fails its check, or at the deadline.
    expect(JSON.stringify(steps.get('healthyOrLate'))).toContain('failing == 0 or sys.now() >= deadline');
  });
});
