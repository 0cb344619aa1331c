import { FileSystemIntent, planFileSystem, ServiceTier } from '../../../lib/core';

const { TIER_1, TIER_2, TIER_3 } = ServiceTier;
const REPLICATED: FileSystemIntent = { replicated: true, retained: true };

describe('planFileSystem', () => {
  test('GIVEN TIER_2 replicated THEN the worked example of its doc', () => {
    expect(planFileSystem(TIER_2, REPLICATED)).toEqual({
      minZones: TIER_2.minAzs,
      replication: {
        boundSeconds: 900,
        dataRpoSeconds: undefined,
        lagAlarm: { threshold: 900, periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 3 },
      },
      problems: [],
      warnings: [],
    });
  });

  test.each<[string, ServiceTier, FileSystemIntent, number | undefined]>([
    ['TIER_3 (RPO 24 h) pages at the RPO', TIER_3, REPLICATED, 86_400],
    ['a stated objective of an hour pages at the hour', TIER_1, { ...REPLICATED, rpoObjectiveSeconds: 3600 }, 3600],
    ['an explicit threshold wins', TIER_2, { ...REPLICATED, lagAlarmSeconds: 1200 }, 1200],
    ['no replica, no alarm', TIER_3, { replicated: false, retained: true }, undefined],
  ])('GIVEN %s', (_case, tier, intent, threshold) => {
    const plan = planFileSystem(tier, intent);
    expect([plan.problems, plan.replication?.lagAlarm.threshold]).toEqual([[], threshold]);
  });

  test.each<[string, ServiceTier, FileSystemIntent, string, string]>([
    [
      'no replica for a multi-region tier',
      TIER_2,
      { replicated: false, retained: true },
      'replicaRegion',
      'replicaRegion is required for TIER_2 (strategy PILOT_LIGHT keeps data in a standby region), got: undefined',
    ],
    [
      'TIER_1 with no looser objective',
      TIER_1,
      REPLICATED,
      'rpoObjective',
      "rpoObjective must be at least 900 s for a ReplicatedFileSystem: EFS replication bounds its replica's lag at 900 s. Keep data that needs a tighter RPO in a GlobalTable or GlobalDatabase, and state this data set's own rpoObjective if the service can rebuild it, got: none, so TIER_1's region RPO of 60 s applies",
    ],
  ])('WHEN %s THEN the problem names the prop and the value', (_case, tier, intent, prop, message) => {
    expect(planFileSystem(tier, intent).problems).toEqual([{ prop, message }]);
  });

  test('WHEN the file system is not retained THEN a warning says the files go with the stack', () => {
    const plan = planFileSystem(TIER_3, { replicated: false, retained: false, removalPolicy: 'destroy' });
    expect(plan.warnings).toEqual([
      {
        id: 'removalPolicy',
        message: 'removalPolicy is destroy: deleting the stack or replacing the file system deletes its files',
      },
    ]);
  });
});
