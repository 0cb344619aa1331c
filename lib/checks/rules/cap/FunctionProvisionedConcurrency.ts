import { DrStrategy } from '../../../core';
import { GraphResource } from '../../graph/model';
import { isUnresolved, num, shown, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { inWords, tierOf } from '../support';

const ALIAS_TYPES = ['AWS::Lambda::Alias', 'aws_lambda_alias'];
const TF_PROVISIONED = 'aws_lambda_provisioned_concurrency_config';

/**
 * HA-CAP2: a Lambda alias of a statically stable tier (TIER_0, TIER_1) that serves traffic keeps
 * provisioned concurrency.
 */
export const FunctionProvisionedConcurrency: HaRule = {
  id: 'HA-CAP2',
  level: 'error',
  category: 'availability',
  info:
    'For tiers that require static stability (TIER_0, TIER_1), a Lambda alias that serves traffic (not the standby ' +
    'of a warm-standby or pilot-light strategy) has provisioned concurrency above 0: CloudFormation ' +
    '`ProvisionedConcurrencyConfig` on the alias, Terraform an `aws_lambda_provisioned_concurrency_config` whose ' +
    'qualifier is the alias.',
  explanation:
    'Without provisioned concurrency every execution environment a function needs is started on demand, with a ' +
    "cold start, at Lambda's scaling rate (1,000 environments per 10 s per function): a burst, or the " +
    'environments of a lost AZ, wait on initialisation. Statically stable tiers keep the capacity they need ' +
    "already running; `planFunction` in lib/core sizes it so that losing one AZ's share leaves the required " +
    'concurrency warm.',
  resourceTypes: [...ALIAS_TYPES, TF_PROVISIONED],
  evaluate(context: RuleContext): Evaluation[] {
    // A data source that reads an alias (a Terraform deployment's current version) serves nothing itself.
    const aliases = context.graph.ofType(...ALIAS_TYPES).filter((alias) => !alias.isData);
    return aliases.flatMap((alias) => {
      const tier = tierOf(context, alias);
      if (!tier?.staticallyStable) {
        return [];
      }
      // A warm standby's or pilot light's alias is scaled up by the failover; active/active standbys serve.
      const standby = context.services.recordOf(alias)?.role === 'standby';
      if (standby && tier.strategy !== DrStrategy.ACTIVE_ACTIVE) {
        return [];
      }
      const value = provisionedOf(context, alias);
      if (isUnresolved(value)) {
        return [
          undecided(
            alias,
            `${alias.address}'s provisioned concurrency is ${shown(value)}, not known to the template; ` +
              'give a literal count',
          ),
        ];
      }
      const count = num(value) ?? 0;
      const fix = inWords(alias, {
        cdk: 'set provisionedConcurrentExecutions on the alias (ResilientFunction sets it from requiredConcurrency)',
        cloudFormation: 'set ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions on the alias',
        terraform: `add an ${TF_PROVISIONED} whose qualifier is this alias`,
      });
      return [
        outcome(
          alias,
          count > 0
            ? undefined
            : `${alias.address} serves a ${tier.name} function without provisioned concurrency: every environment ` +
                `it needs starts cold, on demand, also while an AZ's environments are replaced; ${fix}, with ` +
                '⌈required / (AZs − 1)⌉ × AZs environments so that losing one AZ leaves the required ' +
                'concurrency warm',
        ),
      ];
    });
  },
};

/** The alias's provisioned concurrency as written: a literal, an unresolved value, or undefined for none. */
function provisionedOf(context: RuleContext, alias: GraphResource): unknown {
  if (alias.engine !== 'terraform') {
    const config = alias.properties.ProvisionedConcurrencyConfig as Record<string, unknown> | undefined;
    return config?.ProvisionedConcurrentExecutions;
  }
  const name = str(alias.properties.name);
  const functionName = alias.properties.function_name;
  const configs = context.graph
    .ofType(TF_PROVISIONED)
    .filter(
      (config) =>
        config.stack === alias.stack &&
        (config.references.includes(alias.key) ||
          (name !== undefined &&
            str(config.properties.qualifier) === name &&
            JSON.stringify(config.properties.function_name) === JSON.stringify(functionName))),
    );
  const values = configs.map((config) => config.properties.provisioned_concurrent_executions);
  return values.find((v) => (num(v) ?? 0) > 0) ?? values.find(isUnresolved) ?? values[0];
}
