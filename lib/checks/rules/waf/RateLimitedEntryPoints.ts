import { GraphResource } from '../../graph/model';
import { block, blocks, bool, isSet, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const LB_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];
const STAGE_TYPES = [
  'AWS::ApiGateway::Stage',
  'AWS::ApiGatewayV2::Stage',
  'aws_api_gateway_stage',
  'aws_apigatewayv2_stage',
];
const GOOGLE_TYPES = ['google_compute_backend_service'];
const ACL_TYPES = ['AWS::WAFv2::WebACL', 'aws_wafv2_web_acl'];
const ASSOCIATION_TYPES = ['AWS::WAFv2::WebACLAssociation', 'aws_wafv2_web_acl_association'];

/** HA-WAF1: internet-facing entry points limit the request rate of a single client. */
export const RateLimitedEntryPoints: HaRule = {
  id: 'HA-WAF1',
  level: 'error',
  category: 'availability',
  info: 'Internet-facing Application Load Balancers and API stages sit behind a web ACL with a rate-based rule (or stage throttling); external Google backend services have a security policy with rate limiting.',
  explanation:
    'One misbehaving client or a retry storm can take all the capacity that static stability provisioned; a per-client rate limit keeps the rest of the users served.',
  resourceTypes: [
    ...LB_TYPES,
    ...STAGE_TYPES,
    ...GOOGLE_TYPES,
    ...ACL_TYPES,
    ...ASSOCIATION_TYPES,
    'google_compute_security_policy',
  ],
  evaluate(context: RuleContext): Evaluation[] {
    const lbs = context.graph.ofType(...LB_TYPES).flatMap((lb) => {
      const p = lb.properties;
      const internal = lb.engine === 'cloudformation' ? str(p.Scheme) === 'internal' : bool(p.internal) === true;
      if (internal || (str(p.Type ?? p.load_balancer_type) ?? 'application') !== 'application') {
        return [];
      }
      return [
        outcome(
          lb,
          rateLimitedByWaf(context, lb)
            ? undefined
            : `${lb.address} is internet-facing without a rate-based WAF rule: associate a web ACL with a rate-based statement`,
        ),
      ];
    });
    const stages = context.graph
      .ofType(...STAGE_TYPES)
      .map((stage) =>
        outcome(
          stage,
          stageThrottled(context, stage)
            ? undefined
            : `${stage.address} has no throttling: set a throttling rate limit or associate a web ACL with a rate-based rule`,
        ),
      );
    const google = context.graph.ofType(...GOOGLE_TYPES).flatMap((service) => {
      if (!(str(service.properties.load_balancing_scheme) ?? 'EXTERNAL').startsWith('EXTERNAL')) {
        return [];
      }
      const policies = context.graph.referencedBy(service, 'google_compute_security_policy');
      const limited = policies.some((policy) =>
        blocks(policy.properties.rule).some(
          (rule) => ['throttle', 'rate_based_ban'].includes(str(rule.action) ?? '') && isSet(rule.rate_limit_options),
        ),
      );
      return [
        outcome(
          service,
          limited
            ? undefined
            : `${service.address} is external without rate limiting: attach a security_policy with a throttle or rate_based_ban rule`,
        ),
      ];
    });
    return [...lbs, ...stages, ...google];
  },
};

function rateLimitedByWaf(context: RuleContext, target: GraphResource): boolean {
  const associations = context.graph.referrersOf(target, ...ASSOCIATION_TYPES);
  return associations.some((association) => context.graph.referencedBy(association, ...ACL_TYPES).some(hasRateRule));
}

function hasRateRule(acl: GraphResource): boolean {
  const text = JSON.stringify(acl.properties.Rules ?? acl.properties.rule ?? []);
  return text.includes('RateBasedStatement') || text.includes('rate_based_statement');
}

function stageThrottled(context: RuleContext, stage: GraphResource): boolean {
  const p = stage.properties;
  if (rateLimitedByWaf(context, stage)) {
    return true;
  }
  switch (stage.type) {
    case 'AWS::ApiGateway::Stage':
      return blocks(p.MethodSettings).some((m) => isSet(m.ThrottlingRateLimit));
    case 'AWS::ApiGatewayV2::Stage':
      return isSet(block(p.DefaultRouteSettings)?.ThrottlingRateLimit);
    case 'aws_apigatewayv2_stage':
      return isSet(block(p.default_route_settings)?.throttling_rate_limit);
    default:
      return context.graph
        .referrersOf(stage, 'aws_api_gateway_method_settings')
        .some((m) => isSet(block(m.properties.settings)?.throttling_rate_limit));
  }
}
