/**
 * Why a health-check path is refused, or undefined when a health check can request it.
 *
 * The path must be absolute (start with `/`; a query string may follow) and hold no whitespace:
 * a request target cannot contain a space or a control character (RFC 9112 §3.2, RFC 3986 §3.3),
 * so a check on such a path never gets the 2xx it needs and marks a healthy target failed. The
 * rule is the same for Route 53 health checks (`ResourcePath`), ALB target groups
 * (`HealthCheckPath`) and Google Cloud health checks (`requestPath`). The value is quoted in the
 * message so that whitespace shows. Callers skip unresolved tokens before asking.
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 * @see https://cloud.google.com/load-balancing/docs/health-check-concepts
 */
export function healthCheckPathProblem(prop: string, path: string): string | undefined {
  if (typeof path === 'string' && path.startsWith('/') && !/\s/.test(path)) {
    return undefined;
  }
  return `${prop} must start with '/' and contain no whitespace, got: ${JSON.stringify(path)}`;
}

/**
 * The two health checks a service answers, and which check uses which.
 *
 * A check that *replaces* instances (a load balancer's target health, which an Auto Scaling group
 * uses as ELB health) must be shallow: is this process alive and able to answer? A check that
 * *moves traffic between regions* (Route 53 health checks of DNS failover, a global load
 * balancer's backend check) must be deep: can this region serve a request end to end, with its
 * database and dependencies? A deep replacement check turns a dependency brownout into the
 * replacement of every healthy instance at once, which is the outage.
 *
 * Both fail open: when every target of an ALB target group is unhealthy, the ALB routes to all of
 * them; when every record of a Route 53 failover or latency set is unhealthy, Route 53 answers as if
 * all were healthy. A shallow check failing everywhere therefore still serves; a deep check failing
 * in every region sends clients to all regions rather than to none.
 * @see https://aws.amazon.com/builders-library/implementing-health-checks/
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 */
export const LIVENESS_PATH = '/health/live';

/**
 * The deep check's default path: what moves traffic between regions ({@link LIVENESS_PATH} says why two).
 * It must also fail while the region's database is not the writer (a global secondary, or the old
 * primary after a failover): else Route 53 sends clients back to a read-only region once it recovers.
 */
export const READINESS_PATH = '/health/ready';
