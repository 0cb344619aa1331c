import {
  ELB_TARGET_HEALTH_DEFAULTS,
  TERRAFORM_TARGET_GROUP_UNHEALTHY_THRESHOLD_DEFAULT,
} from '../../core/figures-checks';
import { GraphResource } from './model';
import { block, bool, num, str } from './values';

/** Health-check settings of an ELBv2 target group of either engine, with the published defaults. */
export function targetHealthSettings(
  group: GraphResource,
): { enabled: boolean; intervalSeconds: number; timeoutSeconds: number; unhealthyThresholdCount: number } | undefined {
  const p = group.properties;
  const tcp = ['TCP', 'UDP', 'TCP_UDP', 'TLS'].includes(str(p.Protocol ?? p.protocol) ?? '');
  const defaultTimeout = tcp
    ? ELB_TARGET_HEALTH_DEFAULTS.tcpTimeoutSeconds
    : ELB_TARGET_HEALTH_DEFAULTS.httpTimeoutSeconds;
  if (group.engine === 'cloudformation') {
    const interval =
      p.HealthCheckIntervalSeconds === undefined
        ? ELB_TARGET_HEALTH_DEFAULTS.intervalSeconds
        : num(p.HealthCheckIntervalSeconds);
    const timeout = p.HealthCheckTimeoutSeconds === undefined ? defaultTimeout : num(p.HealthCheckTimeoutSeconds);
    const threshold =
      p.UnhealthyThresholdCount === undefined
        ? ELB_TARGET_HEALTH_DEFAULTS.unhealthyThresholdCount
        : num(p.UnhealthyThresholdCount);
    if (interval === undefined || timeout === undefined || threshold === undefined) {
      return undefined;
    }
    return {
      enabled: bool(p.HealthCheckEnabled) !== false,
      intervalSeconds: interval,
      timeoutSeconds: timeout,
      unhealthyThresholdCount: threshold,
    };
  }
  const check = block(p.health_check) ?? {};
  const interval = check.interval === undefined ? ELB_TARGET_HEALTH_DEFAULTS.intervalSeconds : num(check.interval);
  const timeout = check.timeout === undefined ? defaultTimeout : num(check.timeout);
  const threshold =
    check.unhealthy_threshold === undefined
      ? TERRAFORM_TARGET_GROUP_UNHEALTHY_THRESHOLD_DEFAULT
      : num(check.unhealthy_threshold);
  if (interval === undefined || timeout === undefined || threshold === undefined) {
    return undefined;
  }
  return {
    enabled: bool(check.enabled) !== false,
    intervalSeconds: interval,
    timeoutSeconds: timeout,
    unhealthyThresholdCount: threshold,
  };
}
