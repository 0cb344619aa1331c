/**
 * Where Route 53 health checks run and where their results are published.
 */

/**
 * Regions Route 53 health checkers can run from; a health check that names its regions must name
 * at least three of them.
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html (Regions)
 */
export const ROUTE53_HEALTH_CHECKER_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];
export const ROUTE53_MIN_HEALTH_CHECKER_REGIONS = 3;

/**
 * Route 53 publishes health-check metrics (`AWS/Route53` `HealthCheckStatus`) in US East
 * (N. Virginia) only; an alarm on them must live there too.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
 */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/** Why a list of checker regions is refused, or undefined when Route 53 accepts it. */
export function checkerRegionsProblem(prop: string, regions: readonly string[]): string | undefined {
  const unknown = regions.filter((region) => !ROUTE53_HEALTH_CHECKER_REGIONS.includes(region));
  if (unknown.length > 0) {
    return `${prop} must be Route 53 health-checker regions (${ROUTE53_HEALTH_CHECKER_REGIONS.join(', ')}), got: ${unknown.join(', ')}`;
  }
  const repeated = regions.filter((region, i) => regions.indexOf(region) !== i);
  if (repeated.length > 0) {
    return `${prop} must not repeat a region, got: ${[...new Set(repeated)].join(', ')} more than once`;
  }
  if (regions.length < ROUTE53_MIN_HEALTH_CHECKER_REGIONS) {
    return `${prop} must list at least ${ROUTE53_MIN_HEALTH_CHECKER_REGIONS} distinct regions, got: ${regions.join(', ') || 'none'}`;
  }
  return undefined;
}
