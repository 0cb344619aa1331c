import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const PLAN_TYPES = ['AWS::Backup::BackupPlan', 'aws_backup_plan'];
const TESTING_TYPES = ['AWS::Backup::RestoreTestingPlan', 'aws_backup_restore_testing_plan'];

/** HA-BAK3: a service that backs up also tests its restores. */
export const RestoreTesting: HaRule = {
  id: 'HA-BAK3',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'Every service with an AWS Backup plan also has a restore testing plan.',
  explanation:
    'A backup that has never been restored is a hope, not a recovery point: restore testing proves the recovery points restore, and measures how long that takes.',
  resourceTypes: [...PLAN_TYPES, ...TESTING_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph, services } = context;
    return graph.ofType(...PLAN_TYPES).flatMap((plan) => {
      const record = services.recordOf(plan);
      if (!record) {
        return [];
      }
      const tested = graph.ofType(...TESTING_TYPES).some((t) => services.recordOf(t)?.service === record.service);
      return [
        outcome(
          plan,
          tested
            ? undefined
            : `service ${record.service} backs up with ${plan.address} but never tests a restore: add a restore testing plan with a selection for its recovery points`,
        ),
      ];
    });
  },
};
