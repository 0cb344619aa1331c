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
