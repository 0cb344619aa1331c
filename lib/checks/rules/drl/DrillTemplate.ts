import { blocks, str } from '../../graph/values';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { isServingStack } from '../serving';
import { tierOfRecord } from '../support';

const TYPES = ['AWS::FIS::ExperimentTemplate', 'aws_fis_experiment_template'];

/** HA-DRL1: critical services rehearse failure with a fault-injection template that can stop itself. */
export const DrillTemplate: HaRule = {
  id: 'HA-DRL1',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'Services whose tier requires static stability (TIER_0, TIER_1) on AWS have a FIS experiment template with an alarm stop condition in each serving stack.',
  explanation:
    'An AZ or region evacuation that has never been rehearsed fails on the day; the stop condition keeps the rehearsal from becoming the outage.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.services.serviceStacks.filter(isServingStack).flatMap((stack) => {
      const tier = tierOfRecord(stack.record);
      if (!tier.staticallyStable || stack.resources.every((r) => r.cloud !== 'aws')) {
        return [];
      }
      const drills = stack.resources.filter((r) => TYPES.includes(r.type));
      const guarded = drills.filter((d) =>
        blocks(d.properties.StopConditions ?? d.properties.stop_condition).some(
          (c) => str(c.Source ?? c.source) === 'aws:cloudwatch:alarm',
        ),
      );
      const problem =
        drills.length === 0
          ? `service ${stack.service} (${tier.name}) has no drill in ${stack.stack}: add a FIS experiment template that evacuates an AZ`
          : guarded.length === 0
            ? `service ${stack.service} has drills in ${stack.stack} without an alarm stop condition: stop them on the service's burn-rate alarm`
            : undefined;
      return [serviceOutcome(stack.stack, stack.service, problem)];
    });
  },
};
