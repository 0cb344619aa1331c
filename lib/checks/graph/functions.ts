import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, isObject, num, str } from './values';
import { referencedSubnetZones } from './zones';

/** Lambda function types of both engines. */
export const FUNCTION_TYPES = ['AWS::Lambda::Function', 'aws_lambda_function'];

/** Lambda alias types of both engines. */
export const FUNCTION_ALIAS_TYPES = ['AWS::Lambda::Alias', 'aws_lambda_alias'];

/**
 * What invokes a function on a request or an event: an alias (callers invoke it), a function URL,
 * an event source mapping, an API Gateway integration, a load balancer's target group. A function
 * only CloudFormation invokes (a custom resource's handler) has none of them.
 */
const INVOKER_TYPES = [
  ...FUNCTION_ALIAS_TYPES,
  'AWS::Lambda::Url',
  'aws_lambda_function_url',
  'AWS::Lambda::EventSourceMapping',
  'aws_lambda_event_source_mapping',
  'AWS::ApiGateway::Method',
  'aws_api_gateway_integration',
  'AWS::ApiGatewayV2::Integration',
  'aws_apigatewayv2_integration',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'aws_lb_target_group_attachment',
];

/**
 * Whether a Lambda function serves the service's requests or events: something other than
 * CloudFormation invokes it ({@link INVOKER_TYPES}). The handlers aws-cdk-lib adds for custom
 * resources (auto-deleting objects, log retention) serve nothing and do not count in the report.
 */
export function isServingFunction(graph: ResourceGraph, fn: GraphResource): boolean {
  return FUNCTION_TYPES.includes(fn.type) && graph.referrersOf(fn, ...INVOKER_TYPES).length > 0;
}

/**
 * The AZs a function runs in, when the template says: a VPC function runs only in the AZs of its
 * subnets; a function outside a VPC is undefined here (Lambda places it over the region's AZs).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 */
export function functionZones(graph: ResourceGraph, fn: GraphResource): string[] | undefined {
  const vpc = block(fn.properties.VpcConfig ?? fn.properties.vpc_config);
  if (!vpc || !isObject(vpc)) {
    return undefined;
  }
  const zones = referencedSubnetZones(graph, fn);
  return zones.length > 0 ? zones : undefined;
}

/** Whether a function is attached to a VPC (its subnets' AZs are then the only ones it runs in). */
export function inVpc(fn: GraphResource): boolean {
  const vpc = block(fn.properties.VpcConfig ?? fn.properties.vpc_config);
  return vpc !== undefined && (vpc.SubnetIds ?? vpc.subnet_ids) !== undefined;
}

/**
 * Warm environments kept on the function's aliases: the largest `ProvisionedConcurrencyConfig` of
 * a CloudFormation alias, or of an `aws_lambda_provisioned_concurrency_config` of the function in
 * Terraform; 0 when none, undefined when not a literal.
 */
export function provisionedConcurrency(graph: ResourceGraph, fn: GraphResource): number | undefined {
  const values: unknown[] = [];
  for (const alias of graph.referrersOf(fn, ...FUNCTION_ALIAS_TYPES)) {
    const config = block(alias.properties.ProvisionedConcurrencyConfig);
    if (config) {
      values.push(config.ProvisionedConcurrentExecutions);
    }
  }
  const name = str(fn.properties.function_name);
  for (const config of graph.ofType('aws_lambda_provisioned_concurrency_config')) {
    const named = str(config.properties.function_name);
    if (config.references.includes(fn.key) || (name !== undefined && named === name)) {
      values.push(config.properties.provisioned_concurrent_executions);
    }
  }
  if (values.length === 0) {
    return 0;
  }
  const counts = values.map(num);
  return counts.some((c) => c === undefined) ? undefined : Math.max(...(counts as number[]));
}
