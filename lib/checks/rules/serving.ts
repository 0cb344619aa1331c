import { ServiceStack } from '../services';

/** Types that put a stack on the request path: entry points and compute. */
export const SERVING_TYPES = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::ECS::Service', 'AWS::Lambda::Function',
  'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::CloudFront::Distribution',
  'aws_lb', 'aws_alb', 'aws_autoscaling_group', 'aws_ecs_service', 'aws_lambda_function', 'aws_api_gateway_rest_api', 'aws_apigatewayv2_api', 'aws_cloudfront_distribution',
  'google_compute_region_instance_group_manager', 'google_compute_backend_service', 'google_compute_region_backend_service', 'google_cloud_run_v2_service', 'google_container_cluster',
];

/**
 * Whether a service's stack serves requests: it has an entry point or compute of the service in the
 * primary role (every region of an active/active service; the primary region otherwise, since a
 * standby serves only after failover). These stacks need alarms, probes and drills. CDK's own helper
 * functions (custom-resource handlers) carry no HA record and do not count.
 */
export function isServingStack(stack: ServiceStack): boolean {
  return stack.resources.some((r) => SERVING_TYPES.includes(r.type) && r.ha?.role === 'primary');
}
