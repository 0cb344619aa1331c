import { SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT } from '../../../core';
import { SPANNER_MULTI_REGION_CONFIGURATIONS } from '../../../core/plans/spanner';
import { spannerConfiguration } from '../../graph/stores';
import { block, num } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const FLEETS = ['google_compute_region_instance_group_manager', 'google_compute_instance_group_manager'];

/** HA-DB2: a Spanner database's instance configuration fits its tier, its fleets and its load after a loss. */
export const SpannerConfiguration: HaRule = {
  id: 'HA-DB2',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info:
    'Spanner databases of a multi-region tier use a configuration with two read-write regions (not regional-*); ' +
    "the service's fleets run in its read-write regions; the autoscaler's high-priority CPU target stays within " +
    "Google's recommended maximum (65% regional, 45% per region multi-region).",
  explanation:
    'A regional configuration loses the database with its region. A multi-region one commits every write in more ' +
    'than one region (RPO 0) and moves its leaders by itself, but only fleets in its read-write regions write ' +
    'locally and keep serving from where the leaders go; and above the recommended CPU the regions (or zones) ' +
    'left after a loss cannot carry the load.',
  resourceTypes: ['google_spanner_database', 'google_spanner_instance', ...FLEETS],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType('google_spanner_database').flatMap((db): Evaluation[] => {
      const tier = tierOf(context, db);
      if (!tier) {
        return [];
      }
      const configuration = spannerConfiguration(graph, db);
      if (configuration === undefined) {
        return [undecided(db, "its instance's config is not literal in the template: give its value to check it")];
      }
      const regional = configuration.startsWith('regional-');
      const problems: string[] = [];
      if (regional && tier.isMultiRegion) {
        problems.push(
          `${db.address} is on the regional configuration ${configuration}, lost with its region: ${tier.name} ` +
            `(${tier.strategy}) needs a multi-region configuration such as nam3 ` +
            '(RPO 0, leaders fail over by themselves)',
        );
      }
      const instance = graph.referencedBy(db, 'google_spanner_instance')[0];
      const targets = block(block(instance?.properties.autoscaling_config)?.autoscaling_targets);
      const cpu = num(targets?.high_priority_cpu_utilization_percent);
      const max = regional
        ? SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.REGIONAL
        : SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.MULTI_REGION;
      if (cpu !== undefined && cpu > max) {
        problems.push(
          `${instance!.address} autoscales at ${cpu}% high-priority CPU, above Google's recommended ${max}% for a ` +
            `${regional ? 'regional' : 'multi-region'} configuration: what is left after a ` +
            `${regional ? 'zone' : 'region'} loss cannot carry the load`,
        );
      }
      const known = Object.prototype.hasOwnProperty.call(SPANNER_MULTI_REGION_CONFIGURATIONS, configuration);
      const readWrite = known ? SPANNER_MULTI_REGION_CONFIGURATIONS[configuration].readWrite : undefined;
      const service = context.services.recordOf(db)?.service;
      const astray = graph
        .ofType(...FLEETS)
        .filter((fleet) => context.services.recordOf(fleet)?.service === service && fleet.region !== undefined)
        .filter((fleet) => readWrite !== undefined && !readWrite.includes(fleet.region!));
      if (readWrite && astray.length > 0) {
        problems.push(
          `the service's fleet ${astray[0].address} runs in ${astray[0].region}, not a read-write region of ` +
            `${configuration} (${readWrite.join(', ')}): its writes cross regions and it is not where ` +
            'leaders fail over to',
        );
      }
      return [outcome(db, problems.length > 0 ? problems.join('; ') : undefined)];
    });
  },
};
