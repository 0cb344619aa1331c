import { dnsRecords } from '../../dns';
import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { block, str } from '../../graph/values';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { DrStrategy } from '../../../core';
import { ServiceStack } from '../../services';
import { isServingStack, SERVING_TYPES } from '../serving';
import { tierOfRecord } from '../support';

const TYPES = ['AWS::Synthetics::Canary', 'aws_synthetics_canary', 'google_monitoring_uptime_check_config'];

/** Minutes between probe runs, when the schedule is literal. */
export function probeIntervalMinutes(probe: GraphResource): number | undefined {
  const p = probe.properties;
  if (probe.type === 'google_monitoring_uptime_check_config') {
    const period = str(p.period) ?? '60s';
    return Number(period.replace(/s$/, '')) / 60;
  }
  const expression = str(block(p.Schedule ?? p.schedule)?.Expression ?? block(p.schedule)?.expression);
  const rate = expression ? /^rate\((\d+)\s+(minute|minutes|hour|hours)\)$/.exec(expression) : null;
  if (!rate) {
    return undefined;
  }
  return rate[2].startsWith('hour') ? Number(rate[1]) * 60 : Number(rate[1]);
}

/** Host a probe requests (`PROBE_URL` of this library's canaries, a Google uptime check's host), when literal. */
function probedHost(probe: GraphResource): string | undefined {
  const p = probe.properties;
  const url =
    str(block(block(p.RunConfig)?.EnvironmentVariables)?.PROBE_URL) ??
    str(block(block(p.run_config)?.environment_variables)?.PROBE_URL);
  if (url !== undefined) {
    return /^https?:\/\/([^/:]+)/i.exec(url)?.[1]?.toLowerCase();
  }
  return str(block(block(p.monitored_resource)?.labels)?.host)?.toLowerCase();
}

/** Names DNS routes between regions (failover, latency, weighted, ... records): a probe of one follows the routing. */
function routedNames(graph: ResourceGraph): Set<string> {
  return new Set(
    dnsRecords(graph)
      .filter((r) => r.routing !== undefined)
      .map((r) => r.name.toLowerCase().replace(/\.$/, '')),
  );
}

/**
 * A standby that already runs instances (warm standby, or an active/active region marked standby):
 * DNS moves clients to it on failover, so whether it can serve must be measured before then.
 */
function isRunningStandby(stack: ServiceStack): boolean {
  const strategy = tierOfRecord(stack.record).strategy;
  return (
    (strategy === DrStrategy.WARM_STANDBY || strategy === DrStrategy.ACTIVE_ACTIVE) &&
    stack.resources.some((r) => SERVING_TYPES.includes(r.type) && r.ha?.role === 'standby')
  );
}

/** HA-OBS3: every serving region of a service is probed from outside, as often as the tier says. */
export const SyntheticProbes: HaRule = {
  id: 'HA-OBS3',
  level: 'error',
  category: 'operations',
  needsTier: true,
  info: 'Each stack that serves a service, or runs its warm standby, has a synthetic probe (CloudWatch Synthetics canary, Google uptime check) running at least every tier.probeIntervalMinutes.',
  explanation:
    'Server-side metrics miss what never reaches the server (DNS, TLS, the load balancer); a probe per region measures what users see and tells which region is failing.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const routed = routedNames(context.graph);
    return context.services.serviceStacks
      .filter((stack) => isServingStack(stack) || isRunningStandby(stack))
      .map((stack) => {
        const tier = tierOfRecord(stack.record);
        const probes = stack.resources.filter((r) => TYPES.includes(r.type));
        if (probes.length === 0) {
          // In the words of the stack's cloud: a Google service gets an uptime check, not a canary.
          const probe = stack.resources.some((r) => r.cloud === 'google') ? 'an uptime check' : 'a canary';
          return serviceOutcome(
            stack.stack,
            stack.service,
            `service ${stack.service} has no synthetic probe in ${stack.stack}: add ${probe} against its endpoint in this region`,
          );
        }
        // A probe of the routed name measures whichever region DNS answers with, not this one (HA-DR3's regional names).
        const own = probes.filter((p) => !routed.has(probedHost(p) ?? ''));
        // Nor does a probe of another region's own name (FailoverDns's `<record>-<region>`): a standby that watches
        // the serving region, to start its failover, measures that region.
        const elsewhere = own.filter((p) => otherRegions(context, stack).some((r) => probedHost(p)?.includes(r)));
        if (own.length > 0 && own.length === elsewhere.length) {
          return serviceOutcome(
            stack.stack,
            stack.service,
            `service ${stack.service} is probed in ${stack.stack} only through other regions' names ` +
              `(${elsewhere.map(probedHost).join(', ')}), which measure those regions: probe this region's own name too`,
          );
        }
        if (own.length === 0) {
          return serviceOutcome(
            stack.stack,
            stack.service,
            `service ${stack.service} is probed in ${stack.stack} only through its routed name ` +
              `(${probes.map(probedHost).filter(Boolean).join(', ')}), which follows DNS to another region on failover: probe this region's own name too`,
          );
        }
        const intervals = probes.map(probeIntervalMinutes).filter((m): m is number => m !== undefined);
        const fastest = intervals.length > 0 ? Math.min(...intervals) : undefined;
        return serviceOutcome(
          stack.stack,
          stack.service,
          fastest !== undefined && fastest <= tier.probeIntervalMinutes
            ? undefined
            : `service ${stack.service} is probed every ${fastest ?? 'unknown'} min in ${stack.stack}; ${tier.name} needs every ${tier.probeIntervalMinutes} min`,
        );
      });
  },
};

/** The regions of the analysed stacks other than this service stack's. */
function otherRegions(context: RuleContext, stack: ServiceStack): string[] {
  const regions = new Set(context.graph.stacks.map((s) => s.region).filter((r): r is string => r !== undefined));
  return [...regions].filter((r) => r !== stack.region);
}
