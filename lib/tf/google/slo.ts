import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { UPTIME_CHECK_PERIODS_MINUTES as CORE_UPTIME_CHECK_PERIODS_MINUTES } from '../../core/figures';
import { planSlo, SloWindow } from '../../core/plans/slo';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GoogleHaProps, serviceNameOf } from './ha-props';
import { ProjectServices } from './project-services';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { invalidRegionNames } from './private/regions';

/**
 * Periods (minutes) an uptime check may run at (core's figure, kept here for compatibility).
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.uptimeCheckConfigs#UptimeCheckConfig
 */
export const UPTIME_CHECK_PERIODS_MINUTES: readonly number[] = CORE_UPTIME_CHECK_PERIODS_MINUTES;

/** An endpoint that serves one region, probed from outside Google's network. */
export interface UptimeProbe {
  /** The serving region the endpoint belongs to (one probe per region). */
  readonly region: string;
  /** Host name that reaches this region's backends (e.g. `us-central1.example.com`). */
  readonly host: string;
  /**
   * Path to request over HTTPS.
   * @default READINESS_PATH ('/health/ready')
   */
  readonly path?: string;
}

/** A regional external Application Load Balancer whose requests count toward the SLO. */
export interface RegionalRequestSource {
  /** Its region (one load balancer per region). */
  readonly region: string;
  /** Name of its forwarding rule (`RegionalEntry.loadBalancers[i].forwardingRuleName`). */
  readonly forwardingRuleName: string;
}

/** Props of {@link SloAlarms}. */
export interface SloAlarmsProps extends GoogleHaProps {
  /**
   * Name of the global load balancer's backend service whose requests the SLI counts
   * (`GlobalFrontend.backendServiceName`). Pass it or `regionalLoadBalancers`.
   * @default - none: `regionalLoadBalancers` is the SLI
   */
  readonly backendServiceName?: string;
  /**
   * The regional external Application Load Balancers of a redundant entry, one per serving region
   * (`RegionalEntry.loadBalancers`): the SLI sums the requests of all of them, so there is one SLO
   * for the service, not one per region. Pass it or `backendServiceName`.
   * @default - none: `backendServiceName` is the SLI
   */
  readonly regionalLoadBalancers?: RegionalRequestSource[];
  /**
   * Ids of the notification channels every alert notifies (at least one: an alert nobody receives
   * does not exist), e.g. `PagingChannels.channelIds`: a TIER_0 or TIER_1 page needs a channel that is
   * not email (HA-OBS5).
   */
  readonly notificationChannels: string[];
  /**
   * Endpoints to probe, one per serving region.
   * @default - no uptime checks
   */
  readonly probes?: UptimeProbe[];
  /**
   * Availability target of the SLO: at least the tier's, at most 0.9999 (the highest goal Cloud
   * Monitoring takes), and leaving every burn-rate threshold reachable.
   * @default - tier.availabilityTarget
   */
  readonly target?: number;
  /**
   * Days of the rolling SLO window: whole days from 1 to 30 (Cloud Monitoring's rolling periods).
   * The alert windows scale with it (see core's `burnRateAlerts`).
   * @default 30 (the Site Reliability Workbook's window)
   */
  readonly windowDays?: number;
  /**
   * Days of the rolling SLO window.
   * @default 30
   * @deprecated use `windowDays` (the name the AWS engines use)
   */
  readonly sloWindowDays?: number;
}

/** @deprecated use {@link SloAlarmsProps} */
export type SloAlertsProps = SloAlarmsProps;

/**
 * The service's availability SLO on its load balancers' requests, and the alerts that defend it
 * (Google Cloud's `SloAlarms`; it was released as `SloAlerts`, kept as a deprecated alias).
 *
 * A request-based SLO (goal `target`, by default the tier's; bad = 5xx answers) on a custom service,
 * counting the global load balancer's requests (`backendServiceName`) or the sum of the regional
 * load balancers' (`regionalLoadBalancers`, e.g. `RegionalEntry`'s),
 * and one alert policy per burn-rate alert of core's SLO plan (`planSlo`): the burn rate over the
 * long AND the short window above the alert's burn rate (`select_slo_burn_rate`, windows in whole
 * minutes), CRITICAL for pages and WARNING for tickets. Each probe gets an HTTPS uptime check every
 * `tier.probeIntervalMinutes` and an alert when checks fail from more than one location.
 *
 * Construct ids (public API): `Service`, `Resource` (the SLO), `BurnRate<long window>` (e.g.
 * `BurnRate1h`), `Uptime-<region>`, `UptimeAlert-<region>`.
 */
export class SloAlarms extends Construct {
  public readonly slo: MonitoringSlo;
  /** The burn-rate alert policies, fastest first. */
  public readonly burnRatePolicies: MonitoringAlertPolicy[] = [];
  /** The availability target of the SLO. */
  public readonly target: number;
  /** The SLO window in days. */
  public readonly windowDays: number;
  /** The uptime check of each probe, with its region, in the order of `probes`. */
  public readonly uptimeChecks: { readonly region: string; readonly check: MonitoringUptimeCheckConfig }[] = [];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { tier } = props;
    const probes = props.probes ?? [];
    const plan = planSlo(tier, {
      monitor: 'cloud-monitoring',
      target: props.target,
      windowDays: props.windowDays ?? props.sloWindowDays,
      // The load balancers' requests are the availability SLI: the global one's or the regional ones'.
      loadBalancer: props.backendServiceName !== undefined,
      regionalLoadBalancers: props.regionalLoadBalancers?.map((lb) =>
        Token.isUnresolved(lb.region)
          ? {}
          : { region: lb.region, regionIsValid: invalidRegionNames([lb.region]).length === 0 },
      ),
      notificationChannelCount: props.notificationChannels.length,
      probes: probes.map((p) =>
        Token.isUnresolved(p.region)
          ? { path: known(p.path) }
          : { region: p.region, regionIsValid: invalidRegionNames([p.region]).length === 0, path: known(p.path) },
      ),
      propNames: {
        loadBalancer: 'backendServiceName',
        windowDays:
          props.windowDays === undefined && props.sloWindowDays !== undefined ? 'sloWindowDays' : 'windowDays',
      },
    });
    throwProblems(plan.problems, this);
    // The component keeps the name it was released under: it is recorded in labels and metadata.
    emitWarnings(this, COMPONENT, plan.warnings);
    this.target = plan.target;
    this.windowDays = plan.windowDays;
    const { target, targetPercent, windowDays } = plan;

    const record = haRecord(this, props, {
      component: COMPONENT,
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    const labels = haLabels(props, record);
    const service = serviceNameOf(this, props);

    const monitored = new MonitoringCustomService(this, 'Service', {
      serviceId: uniqueName(this, 'Service'),
      displayName: service,
      userLabels: labels,
    });
    const requests = requestFilter(props);
    this.slo = new MonitoringSlo(this, 'Resource', {
      service: monitored.serviceId,
      sloId: uniqueName(this, 'Resource'),
      displayName: `${service}: ${targetPercent}% of requests succeed over ${windowDays} days`,
      goal: target,
      rollingPeriodDays: windowDays,
      requestBasedSli: {
        goodTotalRatio: {
          totalServiceFilter: requests,
          badServiceFilter: `${requests} metric.label."response_code_class"=500`,
        },
      },
      userLabels: labels,
    });

    // Cloud Monitoring computes the burn rate itself: the condition is on the rate, not the error ratio.
    for (const alert of plan.slis[0].alerts) {
      const long = alert.long.label;
      const short = alert.short.label;
      const condition = (window: SloWindow) => ({
        displayName: `Burn rate over ${window.label} above ${alert.burnRate}`,
        conditionThreshold: {
          filter: `select_slo_burn_rate("${this.slo.name}", "${window.periodMinutes}m")`,
          comparison: 'COMPARISON_GT',
          thresholdValue: alert.burnRate,
          duration: `${plan.burnRateConditionSeconds}s`,
        },
      });
      this.burnRatePolicies.push(
        new MonitoringAlertPolicy(this, `BurnRate${long}`, {
          displayName: `${service}: error budget burning ${alert.burnRate}x over ${long} and ${short} (${alert.severity})`,
          combiner: 'AND',
          conditions: [condition(alert.long), condition(alert.short)],
          severity: alert.severity === 'page' ? 'CRITICAL' : 'WARNING',
          notificationChannels: [...props.notificationChannels],
          documentation: {
            mimeType: 'text/markdown',
            content: `${service} is spending its ${tier.name} error budget (${targetPercent}% over ${windowDays} days) ${alert.burnRate} times faster than sustainable, over both ${long} and ${short}. ${alert.severity === 'page' ? 'Page: act now.' : 'Ticket: act within working hours.'}`,
          },
          userLabels: labels,
        }),
      );
    }

    const projectId = projectOf(this).projectId;
    const { probe } = plan;
    probes.forEach((p, i) => {
      const check = new MonitoringUptimeCheckConfig(this, `Uptime-${p.region}`, {
        displayName: `${service} in ${p.region}`,
        period: `${probe.periodSeconds}s`,
        timeout: `${probe.timeoutSeconds}s`,
        httpCheck: {
          path: p.path ?? probe.paths[i],
          port: probe.port,
          useSsl: true,
          validateSsl: true,
          requestMethod: 'GET',
          acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
        },
        monitoredResource: { type: 'uptime_url', labels: { project_id: projectId, host: p.host } },
        userLabels: labels,
      });
      this.uptimeChecks.push({ region: p.region, check });
      new MonitoringAlertPolicy(this, `UptimeAlert-${p.region}`, {
        displayName: `${service} in ${p.region} fails its uptime check`,
        combiner: 'OR',
        conditions: [
          {
            displayName: `Uptime check of ${p.host} fails from more than one location`,
            conditionThreshold: {
              filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id="${check.uptimeCheckId}" AND resource.type="uptime_url"`,
              aggregations: [
                {
                  alignmentPeriod: `${probe.alignmentPeriodSeconds}s`,
                  perSeriesAligner: 'ALIGN_NEXT_OLDER',
                  crossSeriesReducer: 'REDUCE_COUNT_FALSE',
                  groupByFields: ['resource.label.*'],
                },
              ],
              comparison: 'COMPARISON_GT',
              thresholdValue: probe.failingLocationsAbove,
              duration: `${probe.durationSeconds}s`,
            },
          },
        ],
        severity: 'CRITICAL',
        notificationChannels: [...props.notificationChannels],
        userLabels: labels,
      });
    });

    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(this, record);
  }
}

/**
 * @deprecated use {@link SloAlarms}: the same construct under the name the AWS engines use
 */
export const SloAlerts = SloAlarms;
/** @deprecated use {@link SloAlarms} */
export type SloAlerts = SloAlarms;

/** The component its labels, metadata and warning ids name: the concept's one name on every engine. */
const COMPONENT = 'SloAlarms';

/**
 * The filter of the requests the SLI counts (5xx answers are the bad ones): the global load
 * balancer's backend service (`https_lb_rule`), or the forwarding rules of the regional external
 * Application Load Balancers (`http_external_regional_lb_rule`), all regions in one filter so that
 * Cloud Monitoring sums them into one ratio. The plan has refused any other combination.
 * @see https://cloud.google.com/monitoring/api/metrics_gcp_i_o#gcp-loadbalancing
 * @see https://cloud.google.com/monitoring/api/resources#tag_http_external_regional_lb_rule
 */
function requestFilter(props: SloAlarmsProps): string {
  if (props.backendServiceName !== undefined) {
    return (
      'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule" ' +
      `resource.label."backend_service_name"="${props.backendServiceName}"`
    );
  }
  const rules = (props.regionalLoadBalancers ?? []).map((lb) => `"${lb.forwardingRuleName}"`).join(', ');
  return (
    'metric.type="loadbalancing.googleapis.com/https/external/regional/request_count" ' +
    `resource.type="http_external_regional_lb_rule" resource.label."forwarding_rule_name"=one_of(${rules})`
  );
}

/** A value known at synthesis, or undefined for a token. */
function known(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}
