import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT } from '../../core';
import { HaValidationError } from '../../core/errors';
import { planSlo } from '../../core/plans/slo';
import type { HaCloudSql } from './database';
import type { RegionalFleet } from './fleet';
import { GoogleHaProps, serviceNameOf } from './ha-props';
import { ProjectServices } from './project-services';
import { attachRecord, haRecord } from './private/metadata';
import { projectOf } from './private/project';
import type { RegionalRequestSource, SloAlarms } from './slo';
import type { HaSpanner } from './spanner';

/** Props of {@link GoldenSignalsDashboard}. */
export interface GoldenSignalsDashboardProps extends GoogleHaProps {
  /**
   * The regional external Application Load Balancers of the service, one per region
   * (`RegionalEntry.loadBalancers`): a row of availability and latency per region. Pass it or
   * `backendServiceName`.
   * @default - none: `backendServiceName` is read
   */
  readonly regionalLoadBalancers?: RegionalRequestSource[];
  /**
   * The global load balancer's backend service (`GlobalFrontend.backendServiceName`): availability
   * and latency per backend region. Pass it or `regionalLoadBalancers`.
   * @default - none: `regionalLoadBalancers` are read
   */
  readonly backendServiceName?: string;
  /**
   * The service's SLO: error budget left, burn rates against the page thresholds; its target and
   * window draw the error-ratio thresholds on every region's availability chart.
   * @default - no SLO widgets; the thresholds of the tier's availability target over 30 days
   */
  readonly slo?: SloAlarms;
  /**
   * Slowest response that counts as good, in milliseconds: drawn on the latency charts.
   * @default - no line
   */
  readonly latencyThresholdMs?: number;
  /**
   * The fleets: CPU per zone and instances against the autoscaler's maximum (saturation).
   * @default - no fleet widgets
   */
  readonly fleets?: RegionalFleet[];
  /**
   * Spanner databases: high-priority CPU against Google's recommended maximum (what the regions or
   * zones left after a loss can carry). Spanner commits synchronously: it has no replication lag.
   * @default - no Spanner widgets
   */
  readonly spanner?: HaSpanner[];
  /**
   * Cloud SQL databases with a cross-region replica: the replica's lag against the tier's region RPO.
   * @default - no Cloud SQL widgets
   */
  readonly cloudSql?: HaCloudSql[];
}

/** A Cloud Monitoring chart threshold: a horizontal line. */
interface Threshold {
  readonly value: number;
  readonly label: string;
}

/** One filtered series of a chart. */
interface Series {
  readonly filter: string;
  readonly aligner: string;
  readonly reducer?: string;
  readonly groupBy?: string[];
  readonly legend?: string;
}

const ALIGNMENT = '60s';

/**
 * A Cloud Monitoring dashboard of the four golden signals of one service (the SRE book's
 * "Monitoring Distributed Systems"), the Google twin of the AWS `GoldenSignalsDashboard`: the SLO's
 * error budget and burn rates against the page thresholds on top, and its uptime checks per region
 * (seen from outside); then per region the share of 5xx
 * answers (availability, with the error ratios at which core's burn-rate pages fire drawn) and the
 * p50/p95/p99 latency of the load balancer; then saturation: the fleets' CPU per zone and size
 * against their maximum, Spanner's high-priority CPU against Google's recommended ceiling, and Cloud
 * SQL replicas' lag against the tier's region RPO. The first screen of an incident says how bad,
 * and where.
 *
 * Construct ids (public API): `Resource` (the dashboard).
 */
export class GoldenSignalsDashboard extends Construct {
  public readonly dashboard: MonitoringDashboard;

  constructor(scope: Construct, id: string, props: GoldenSignalsDashboardProps) {
    super(scope, id);
    const { tier } = props;
    const service = serviceNameOf(this, props);
    const regional = props.regionalLoadBalancers ?? [];
    if (regional.length > 0 === (props.backendServiceName !== undefined)) {
      throw new HaValidationError(
        'GoldenSignalsDashboard reads the requests of one entry: pass regionalLoadBalancers or backendServiceName, ' +
          `got: ${regional.length > 0 ? 'both' : 'neither'}`,
      );
    }
    const latency = props.latencyThresholdMs;
    if (latency !== undefined && !Token.isUnresolved(latency) && !(Number.isFinite(latency) && latency > 0)) {
      throw new HaValidationError(`latencyThresholdMs must be greater than 0, got: ${latency}`);
    }
    // The same plan SloAlarms renders: its page alerts are the lines on the charts.
    const plan = planSlo(tier, {
      monitor: 'cloud-monitoring',
      target: props.slo?.target,
      windowDays: props.slo?.windowDays,
      loadBalancer: true,
    });
    const pages = plan.slis[0].alerts.filter((a) => a.severity === 'page');
    const errorLines = pages.map((a) => ({
      value: a.errorRateThreshold,
      label: `page: ${a.burnRate}x over ${a.long.label}`,
    }));
    const percent = (v: number) => `${Math.round(v * 1e6) / 1e4}%`;

    const widgets: Record<string, unknown>[] = [
      {
        title: `${service}: golden signals`,
        text: {
          format: 'MARKDOWN',
          content:
            `${tier.name} (${tier.strategy}): availability ${percent(tier.availabilityTarget)}, region RTO ` +
            `${tier.regionRtoSeconds} s / RPO ${tier.regionRpoSeconds} s, zone RTO ${tier.azRtoSeconds} s`,
        },
      },
    ];
    if (props.slo) {
      const slo = props.slo.slo.name;
      widgets.push(
        {
          title: `Error budget left (${plan.windowDays}-day SLO ${percent(plan.target)})`,
          scorecard: {
            timeSeriesQuery: { timeSeriesFilter: { filter: `select_slo_budget_fraction("${slo}")` } },
            thresholds: [{ value: 0, color: 'RED', direction: 'BELOW', label: 'budget spent: freeze changes' }],
          },
        },
        chart(
          'Burn rate (a page fires when both windows of an alert cross its line)',
          pages.map((a) => ({
            filter: `select_slo_burn_rate("${slo}", "${a.long.periodMinutes}m")`,
            aligner: 'ALIGN_MEAN',
            legend: `over ${a.long.label}`,
          })),
          [...new Set(pages.map((a) => a.burnRate))].map((rate) => ({ value: rate, label: `page at ${rate}x` })),
        ),
      );
    }

    const checks = props.slo?.uptimeChecks ?? [];
    if (checks.length > 0) {
      // From outside Google's network: the outage with no traffic, which no request metric shows.
      widgets.push(
        chart(
          'Uptime checks: share of checker locations that pass, per region',
          checks.map(({ region, check }) => ({
            filter:
              'metric.type="monitoring.googleapis.com/uptime_check/check_passed" resource.type="uptime_url" ' +
              `metric.label."check_id"="${check.uptimeCheckId}"`,
            aligner: 'ALIGN_FRACTION_TRUE',
            reducer: 'REDUCE_MEAN',
            legend: region,
          })),
          [],
        ),
      );
    }

    for (const source of requestSources(props)) {
      widgets.push(
        {
          title: `Availability in ${source.title}: share of 5xx answers`,
          xyChart: {
            dataSets: [
              {
                plotType: 'LINE',
                legendTemplate: source.legend,
                timeSeriesQuery: {
                  timeSeriesFilterRatio: {
                    numerator: aggregated({ ...source.requests, filter: `${source.requests.filter} ${FIVE_XX}` }),
                    denominator: aggregated(source.requests),
                  },
                },
              },
            ],
            thresholds: errorLines.map(line),
            yAxis: { label: 'error ratio', scale: 'LINEAR' },
          },
        },
        chart(
          `Latency in ${source.title} (ms)`,
          // Distributions merged across series before the percentile: a percentile of percentiles is not one.
          ['50', '95', '99'].map((p) => ({
            ...source.latencies,
            aligner: 'ALIGN_DELTA',
            reducer: `REDUCE_PERCENTILE_${p}`,
            legend: `p${p}${source.legend ? ` ${source.legend}` : ''}`,
          })),
          latency === undefined ? [] : [{ value: latency, label: 'latency objective' }],
        ),
      );
    }

    for (const fleet of props.fleets ?? []) {
      const group = fleet.group.name;
      widgets.push(
        chart(
          `Saturation: CPU of ${fleet.node.id} in ${fleet.region}, per zone`,
          [
            {
              filter:
                'metric.type="compute.googleapis.com/instance/cpu/utilization" resource.type="gce_instance" ' +
                `metadata.system_labels."instance_group"="${group}"`,
              aligner: 'ALIGN_MEAN',
              reducer: 'REDUCE_MEAN',
              groupBy: ['resource.label."zone"'],
            },
          ],
          [],
        ),
        chart(
          `Saturation: instances of ${fleet.node.id} in ${fleet.region}`,
          [
            {
              filter:
                'metric.type="compute.googleapis.com/instance_group/size" resource.type="instance_group" ' +
                `resource.label."instance_group_name"="${group}"`,
              aligner: 'ALIGN_MEAN',
              reducer: 'REDUCE_SUM',
            },
          ],
          [{ value: fleet.maxInstances, label: "autoscaler's maximum" }],
        ),
      );
    }

    for (const database of props.spanner ?? []) {
      const multiRegion = database.readWriteRegions.length > 1;
      const ceiling = multiRegion
        ? SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.MULTI_REGION
        : SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT.REGIONAL;
      widgets.push(
        chart(
          `Saturation: Spanner ${database.node.id}, high-priority CPU`,
          [
            {
              filter:
                'metric.type="spanner.googleapis.com/instance/cpu/utilization_by_priority" ' +
                `resource.type="spanner_instance" resource.label."instance_id"="${database.instance.name}" ` +
                'metric.label."priority"="high"',
              aligner: 'ALIGN_MEAN',
              // System and user high-priority work add up; each region of a multi-region instance apart.
              reducer: 'REDUCE_SUM',
              groupBy: ['resource.label."location"'],
              legend: '$${resource.labels.location}',
            },
          ],
          [
            {
              value: ceiling / 100,
              label: `Google's recommended maximum (${multiRegion ? 'per region, multi-region' : 'regional'})`,
            },
          ],
        ),
      );
    }

    const project = projectOf(this).projectId;
    for (const database of props.cloudSql ?? []) {
      if (!database.replica) continue;
      widgets.push(
        chart(
          `Replication lag of ${database.node.id}'s cross-region replica (s)`,
          [
            {
              filter:
                'metric.type="cloudsql.googleapis.com/database/replication/replica_lag" ' +
                `resource.type="cloudsql_database" resource.label."database_id"="${project}:${database.replica.name}"`,
              aligner: 'ALIGN_MAX',
            },
          ],
          [{ value: tier.regionRpoSeconds, label: `${tier.name} region RPO` }],
        ),
      );
    }

    this.dashboard = new MonitoringDashboard(this, 'Resource', {
      dashboardJson: JSON.stringify({
        displayName: `${service}: golden signals`,
        gridLayout: { columns: '2', widgets },
      }),
    });
    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(
      this,
      haRecord(this, props, {
        component: 'GoldenSignalsDashboard',
        failureDomain: FailureDomain.GLOBAL,
        role: props.role ?? HaRole.GLOBAL,
      }),
    );
  }
}

/** 5xx answers: the bad requests of the availability SLI (as `SloAlarms` counts them). */
const FIVE_XX = 'metric.label."response_code_class"=500';

/** Where the requests of one region (or of every backend region of the global load balancer) are read. */
interface RequestSource {
  readonly title: string;
  readonly legend?: string;
  readonly requests: Series;
  readonly latencies: Series;
}

/**
 * The request and latency series of each region's regional load balancer, or of the global load
 * balancer's backend service grouped by the region of the backend that answered.
 * @see https://cloud.google.com/monitoring/api/metrics_gcp_i_o#gcp-loadbalancing
 */
function requestSources(props: GoldenSignalsDashboardProps): RequestSource[] {
  if (props.backendServiceName !== undefined) {
    const resource =
      'resource.type="https_lb_rule" ' + `resource.label."backend_service_name"="${props.backendServiceName}"`;
    const byRegion = ['resource.label."backend_scope"'];
    return [
      {
        title: 'each backend region',
        // `$${` is Terraform's escape: the legend template is Cloud Monitoring's, not an interpolation.
        legend: '$${resource.labels.backend_scope}',
        requests: {
          filter: `metric.type="loadbalancing.googleapis.com/https/request_count" ${resource}`,
          aligner: 'ALIGN_RATE',
          reducer: 'REDUCE_SUM',
          groupBy: byRegion,
        },
        latencies: {
          filter: `metric.type="loadbalancing.googleapis.com/https/total_latencies" ${resource}`,
          aligner: 'ALIGN_DELTA',
          groupBy: byRegion,
        },
      },
    ];
  }
  return (props.regionalLoadBalancers ?? []).map((lb) => {
    const resource =
      'resource.type="http_external_regional_lb_rule" ' +
      `resource.label."forwarding_rule_name"="${lb.forwardingRuleName}"`;
    return {
      title: lb.region,
      requests: {
        filter: `metric.type="loadbalancing.googleapis.com/https/external/regional/request_count" ${resource}`,
        aligner: 'ALIGN_RATE',
        reducer: 'REDUCE_SUM',
      },
      latencies: {
        filter: `metric.type="loadbalancing.googleapis.com/https/external/regional/total_latencies" ${resource}`,
        aligner: 'ALIGN_DELTA',
      },
    };
  });
}

/** A filter with its per-minute aggregation, as a dashboard query takes it. */
function aggregated(series: Series): Record<string, unknown> {
  return {
    filter: series.filter,
    aggregation: {
      alignmentPeriod: ALIGNMENT,
      perSeriesAligner: series.aligner,
      ...(series.reducer ? { crossSeriesReducer: series.reducer } : {}),
      ...(series.groupBy ? { groupByFields: series.groupBy } : {}),
    },
  };
}

/** A line chart of the series with the threshold lines. */
function chart(title: string, series: Series[], thresholds: Threshold[]): Record<string, unknown> {
  return {
    title,
    xyChart: {
      dataSets: series.map((s) => ({
        plotType: 'LINE',
        ...(s.legend ? { legendTemplate: s.legend } : {}),
        timeSeriesQuery: { timeSeriesFilter: aggregated(s) },
      })),
      thresholds: thresholds.map(line),
      yAxis: { scale: 'LINEAR' },
    },
  };
}

function line(threshold: Threshold): Record<string, unknown> {
  return { value: threshold.value, label: threshold.label, color: 'RED', direction: 'ABOVE' };
}
