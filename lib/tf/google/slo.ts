import { HaValidationError } from '../../core/errors';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { burnRateAlerts, FailureDomain, HaRole, SRE_WORKBOOK_SLO_WINDOW_DAYS } from '../../core';
import { GoogleHaProps, serviceNameOf } from './ha-props';
import { warn } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { invalidRegionNames } from './private/regions';

/**
 * Periods (minutes) an uptime check may run at.
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.uptimeCheckConfigs#UptimeCheckConfig
 */
export const UPTIME_CHECK_PERIODS_MINUTES: readonly number[] = [1, 5, 10, 15];

/** An endpoint that serves one region, probed from outside Google's network. */
export interface UptimeProbe {
  /** The serving region the endpoint belongs to (one probe per region). */
  readonly region: string;
  /** Host name that reaches this region's backends (e.g. `us-central1.example.com`). */
  readonly host: string;
  /**
   * Path to request over HTTPS.
   * @default '/healthz'
   */
  readonly path?: string;
}

/** Props of {@link SloAlerts}. */
export interface SloAlertsProps extends GoogleHaProps {
  /** Name of the global load balancer's backend service whose requests the SLI counts (`GlobalFrontend.backendServiceName`). */
  readonly backendServiceName: string;
  /** Ids of the notification channels every alert notifies (at least one: an alert nobody receives does not exist). */
  readonly notificationChannels: string[];
  /**
   * Endpoints to probe, one per serving region.
   * @default - no uptime checks
   */
  readonly probes?: UptimeProbe[];
  /**
   * Days of the rolling SLO window.
   * @default 30 (the Site Reliability Workbook's window)
   */
  readonly sloWindowDays?: number;
}

/**
 * The tier's availability SLO on the load balancer's requests, and the alerts that defend it.
 *
 * A request-based SLO (goal `tier.availabilityTarget`; bad = 5xx answers) on a custom service,
 * and one alert policy per row of `burnRateAlerts`: the burn rate over the long AND the short
 * window above the row's threshold (`select_slo_burn_rate`), CRITICAL for pages and WARNING for
 * tickets. Each probe gets an HTTPS uptime check every `tier.probeIntervalMinutes` and an alert
 * when checks fail from more than one location.
 *
 * Construct ids (public API): `Service`, `Resource` (the SLO), `BurnRate<long window>` (e.g.
 * `BurnRate1h`), `Uptime-<region>`, `UptimeAlert-<region>`.
 */
export class SloAlerts extends Construct {
  public readonly slo: MonitoringSlo;
  /** The burn-rate alert policies, fastest first. */
  public readonly burnRatePolicies: MonitoringAlertPolicy[] = [];

  constructor(scope: Construct, id: string, props: SloAlertsProps) {
    super(scope, id);
    const { tier } = props;
    if (props.notificationChannels.length === 0) {
      throw new HaValidationError('notificationChannels must list at least one channel (an alert nobody receives does not page), got: none');
    }
    if (!UPTIME_CHECK_PERIODS_MINUTES.includes(tier.probeIntervalMinutes)) {
      throw new HaValidationError(`tier.probeIntervalMinutes must be one of ${UPTIME_CHECK_PERIODS_MINUTES.join(', ')} for an uptime check, got: ${tier.probeIntervalMinutes}`);
    }
    const windowDays = props.sloWindowDays ?? SRE_WORKBOOK_SLO_WINDOW_DAYS;
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 30) {
      throw new HaValidationError(`sloWindowDays must be an integer from 1 to 30 (Cloud Monitoring's rolling periods), got: ${windowDays}`);
    }
    const probes = props.probes ?? [];
    const probeRegions = probes.map((p) => p.region).filter((r) => !Token.isUnresolved(r));
    const invalid = invalidRegionNames(probeRegions);
    if (invalid.length > 0) {
      throw new HaValidationError(`probes must name regions such as us-central1, got: ${invalid.join(', ')}`);
    }
    const repeated = probeRegions.filter((r, i) => probeRegions.indexOf(r) !== i);
    if (repeated.length > 0) {
      throw new HaValidationError(`probes must have one probe per region, got: ${[...new Set(repeated)].join(', ')} more than once`);
    }

    if (probes.length === 0) {
      warn(this, 'SloAlerts.probes', 'probes is empty: no uptime check watches the service from outside, so an outage without traffic (nothing reaches the load balancer) raises no alert');
    }

    const record = haRecord(this, props, { component: 'SloAlerts', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL });
    const labels = haLabels(props, record);
    const service = serviceNameOf(this, props);

    const monitored = new MonitoringCustomService(this, 'Service', {
      serviceId: uniqueName(this, 'Service'),
      displayName: service,
      userLabels: labels,
    });
    const requests = `metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule" resource.label."backend_service_name"="${props.backendServiceName}"`;
    this.slo = new MonitoringSlo(this, 'Resource', {
      service: monitored.serviceId,
      sloId: uniqueName(this, 'Resource'),
      displayName: `${service}: ${percent(tier.availabilityTarget)}% of requests succeed over ${windowDays} days`,
      goal: tier.availabilityTarget,
      rollingPeriodDays: windowDays,
      requestBasedSli: {
        goodTotalRatio: {
          totalServiceFilter: requests,
          badServiceFilter: `${requests} metric.label."response_code_class"=500`,
        },
      },
      userLabels: labels,
    });

    for (const alert of burnRateAlerts(tier.availabilityTarget, windowDays)) {
      const long = formatWindow(alert.longWindowSeconds);
      const short = formatWindow(alert.shortWindowSeconds);
      const condition = (window: string, seconds: number) => ({
        displayName: `Burn rate over ${window} above ${alert.burnRate}`,
        conditionThreshold: {
          filter: `select_slo_burn_rate("${this.slo.name}", "${Math.round(seconds / 60)}m")`,
          comparison: 'COMPARISON_GT',
          thresholdValue: alert.burnRate,
          duration: '0s',
        },
      });
      this.burnRatePolicies.push(new MonitoringAlertPolicy(this, `BurnRate${long}`, {
        displayName: `${service}: error budget burning ${alert.burnRate}x over ${long} and ${short} (${alert.severity})`,
        combiner: 'AND',
        conditions: [condition(long, alert.longWindowSeconds), condition(short, alert.shortWindowSeconds)],
        severity: alert.severity === 'page' ? 'CRITICAL' : 'WARNING',
        notificationChannels: [...props.notificationChannels],
        documentation: {
          mimeType: 'text/markdown',
          content: `${service} is spending its ${tier.name} error budget (${percent(tier.availabilityTarget)}% over ${windowDays} days) ${alert.burnRate} times faster than sustainable, over both ${long} and ${short}. ${alert.severity === 'page' ? 'Page: act now.' : 'Ticket: act within working hours.'}`,
        },
        userLabels: labels,
      }));
    }

    const projectId = projectOf(this).projectId;
    for (const probe of probes) {
      const check = new MonitoringUptimeCheckConfig(this, `Uptime-${probe.region}`, {
        displayName: `${service} in ${probe.region}`,
        period: `${tier.probeIntervalMinutes * 60}s`,
        timeout: '10s',
        httpCheck: {
          path: probe.path ?? '/healthz',
          port: 443,
          useSsl: true,
          validateSsl: true,
          requestMethod: 'GET',
          acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
        },
        monitoredResource: { type: 'uptime_url', labels: { project_id: projectId, host: probe.host } },
        userLabels: labels,
      });
      new MonitoringAlertPolicy(this, `UptimeAlert-${probe.region}`, {
        displayName: `${service} in ${probe.region} fails its uptime check`,
        combiner: 'OR',
        conditions: [{
          displayName: `Uptime check of ${probe.host} fails from more than one location`,
          conditionThreshold: {
            filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id="${check.uptimeCheckId}" AND resource.type="uptime_url"`,
            aggregations: [{
              alignmentPeriod: '1200s',
              perSeriesAligner: 'ALIGN_NEXT_OLDER',
              crossSeriesReducer: 'REDUCE_COUNT_FALSE',
              groupByFields: ['resource.label.*'],
            }],
            comparison: 'COMPARISON_GT',
            thresholdValue: 1,
            duration: `${tier.probeIntervalMinutes * 60}s`,
          },
        }],
        severity: 'CRITICAL',
        notificationChannels: [...props.notificationChannels],
        userLabels: labels,
      });
    }

    attachRecord(this, record);
  }
}

/** 0.9995 → `99.95`, without binary floating-point noise. */
function percent(ratio: number): string {
  return String(Number((ratio * 100).toPrecision(12)));
}

/** 3600 → `1h`, 300 → `5m`, 259200 → `3d`: the largest whole unit. */
function formatWindow(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
