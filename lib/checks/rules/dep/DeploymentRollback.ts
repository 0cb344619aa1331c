import { GraphResource } from '../../graph/model';
import { block, bool, list, str, strings } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { inWords, tierOf } from '../support';

const TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];
const DEPLOYMENT_GROUP_TYPES = ['AWS::CodeDeploy::DeploymentGroup', 'aws_codedeploy_deployment_group'];

/**
 * HA-DEP1: an ECS service of a tier rolls a failing deployment back by itself: the deployment
 * circuit breaker with rollback, and rollback when one of its alarms fires.
 */
export const DeploymentRollback: HaRule = {
  id: 'HA-DEP1',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info:
    'ECS services of a tier roll a failing deployment back by themselves. With the ECS deployment controller: the ' +
    'deployment circuit breaker enabled with rollback, and deployment alarms enabled with rollback on at least one ' +
    'alarm. With the CodeDeploy controller (blue/green): a deployment group of the service with automatic rollback ' +
    'on failure and on alarm, and at least one enabled alarm.',
  explanation:
    'Most outages start with a change. The circuit breaker catches tasks that never become healthy (a crash loop, ' +
    'an image that cannot be pulled) and returns to the last completed deployment; it cannot see tasks that pass ' +
    'their health checks while answering errors, which only an alarm on what users get (the 5xx share, the SLO ' +
    'page) catches. Without both, the bad version rolls on to every task and someone has to notice and redeploy ' +
    'by hand, in a time no template bounds.',
  resourceTypes: [...TYPES, ...DEPLOYMENT_GROUP_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((service) => {
      const tier = tierOf(context, service);
      if (!tier) {
        return [];
      }
      const p = service.properties;
      const controller =
        str(block(p.DeploymentController ?? p.deployment_controller)?.Type) ??
        str(block(p.DeploymentController ?? p.deployment_controller)?.type) ??
        'ECS';
      if (controller === 'EXTERNAL') {
        return [
          undecided(
            service,
            `${service.address} is deployed by an external controller: whether its deployments roll back is not in ` +
              'the template',
          ),
        ];
      }
      const problems = controller === 'CODE_DEPLOY' ? codeDeployProblems(context, service) : ecsProblems(service);
      return [
        outcome(
          service,
          problems.length === 0
            ? undefined
            : `${service.address} (${tier.name}) ${problems.join('; ')}: a bad version rolls on to every task until ` +
                'someone redeploys by hand',
        ),
      ];
    });
  },
};

/** What the ECS deployment controller lacks: the circuit breaker with rollback, alarm rollback. */
function ecsProblems(service: GraphResource): string[] {
  const p = service.properties;
  const config = block(p.DeploymentConfiguration) ?? {};
  const breaker = block(config.DeploymentCircuitBreaker ?? p.deployment_circuit_breaker);
  const alarms = block(config.Alarms ?? p.alarms);
  const problems: string[] = [];
  if (
    !breaker ||
    bool(breaker.Enable ?? breaker.enable) !== true ||
    bool(breaker.Rollback ?? breaker.rollback) !== true
  ) {
    problems.push(
      'has no deployment circuit breaker with rollback (' +
        inWords(service, {
          cdk: 'circuitBreaker: { enable: true, rollback: true }',
          cloudFormation: 'DeploymentConfiguration.DeploymentCircuitBreaker: { Enable: true, Rollback: true }',
          terraform: 'deployment_circuit_breaker { enable = true, rollback = true }',
        }) +
        ')',
    );
  }
  const names = alarms ? list(alarms.AlarmNames ?? alarms.alarm_names) : [];
  if (
    !alarms ||
    bool(alarms.Enable ?? alarms.enable) !== true ||
    bool(alarms.Rollback ?? alarms.rollback) !== true ||
    names.length === 0
  ) {
    problems.push(
      'does not roll back when an alarm fires (' +
        inWords(service, {
          cdk: 'deploymentAlarms with alarmNames and AlarmBehavior.ROLLBACK_ON_ALARM',
          cloudFormation: 'DeploymentConfiguration.Alarms: { AlarmNames: [...], Enable: true, Rollback: true }',
          terraform: 'alarms { alarm_names = [...], enable = true, rollback = true }',
        }) +
        ')',
    );
  }
  return problems;
}

/** What a blue/green service's CodeDeploy deployment group lacks: automatic rollback on failure and on alarm. */
function codeDeployProblems(context: RuleContext, service: GraphResource): string[] {
  const groups = context.graph.referrersOf(service, ...DEPLOYMENT_GROUP_TYPES);
  if (groups.length === 0) {
    return ['is deployed by CodeDeploy, but no deployment group of it is in the templates to roll it back'];
  }
  const rollsBack = groups.some((group) => {
    const g = group.properties;
    const rollback = block(g.AutoRollbackConfiguration ?? g.auto_rollback_configuration);
    const events = strings(rollback?.Events ?? rollback?.events);
    const alarmConfig = block(g.AlarmConfiguration ?? g.alarm_configuration);
    const alarms = list(alarmConfig?.Alarms ?? alarmConfig?.alarms);
    return (
      bool(rollback?.Enabled ?? rollback?.enabled) === true &&
      events.includes('DEPLOYMENT_FAILURE') &&
      events.includes('DEPLOYMENT_STOP_ON_ALARM') &&
      bool(alarmConfig?.Enabled ?? alarmConfig?.enabled) === true &&
      alarms.length > 0
    );
  });
  return rollsBack
    ? []
    : [
        'is deployed by CodeDeploy, but its deployment group does not roll back automatically on ' +
          'DEPLOYMENT_FAILURE and DEPLOYMENT_STOP_ON_ALARM with an enabled alarm',
      ];
}
