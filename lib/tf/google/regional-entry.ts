import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeForwardingRule } from '@cdktf/provider-google/lib/compute-forwarding-rule';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionBackendService } from '@cdktf/provider-google/lib/compute-region-backend-service';
import { ComputeRegionHealthCheck } from '@cdktf/provider-google/lib/compute-region-health-check';
import { ComputeRegionSslPolicy } from '@cdktf/provider-google/lib/compute-region-ssl-policy';
import { ComputeRegionTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-region-target-https-proxy';
import { ComputeRegionUrlMap } from '@cdktf/provider-google/lib/compute-region-url-map';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { planRegionalEntry } from '../../core/plans/regional-entry';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { RegionalFleet } from './fleet';
import { IServerlessBackend } from './frontend';
import { GoogleHaProps } from './ha-props';
import { IRegionalNetwork } from './network';
import { ProjectServices } from './project-services';
import { authorizeDomain, dnsAuthorizedCertificate } from './private/dns-certificates';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';

/** Props of {@link RegionalEntry}. */
export interface RegionalEntryProps extends GoogleHaProps {
  /** The network the fleets run in: each region gets a proxy-only subnet in it. */
  readonly network: IRegionalNetwork;
  /**
   * The fleets, one load balancer per region they run in. Give these or `serverlessBackends`, not both.
   * @default - none
   */
  readonly backends?: RegionalFleet[];
  /**
   * Serverless NEGs (`HaCloudRunService.backends`), one load balancer per region. A regional backend
   * service takes no health check over them: Cloud DNS's check, through each load balancer to the
   * service's deep path, decides which regions DNS answers with.
   * @default - none
   */
  readonly serverlessBackends?: IServerlessBackend[];
  /** The name clients resolve (`checkout.example.com`, with or without the final dot). */
  readonly domain: string;
  /** The public Cloud DNS managed zone (its name) that holds `domain`. */
  readonly managedZone: string;
  /** Each region's proxy-only subnet range (/26 or larger), unused elsewhere in the network. */
  readonly proxySubnetCidrs: Record<string, string>;
  /**
   * The 3 regions Cloud DNS probes the load balancers from. Probes from the serving regions
   * themselves fail with them: prefer at least one other region.
   */
  readonly dnsProbeRegions: string[];
  /**
   * The deep path both checks request (it decides which region serves).
   * @default READINESS_PATH
   */
  readonly healthCheckPath?: string;
}

/** The load balancer of one region. */
export interface RegionalLoadBalancer {
  readonly region: string;
  readonly backendService: ComputeRegionBackendService;
  /** Its external address, which DNS answers with while it is healthy. */
  readonly address: ComputeAddress;
  /** Name of its HTTPS forwarding rule: the SLO counts its requests (`SloAlarms.regionalLoadBalancers`). */
  readonly forwardingRuleName: string;
  /**
   * A name that reaches this region's load balancer only (`<region>.<domain>`, on its certificate):
   * what an uptime probe of this region requests, and what drains it by hand.
   */
  readonly host: string;
}

/**
 * An entry with no single point of failure: a regional external Application Load Balancer in each
 * region of the fleets, and a Cloud DNS record whose geolocation routing answers with the healthy
 * ones. The global load balancer's published SLA (99.99%) is a whole TIER_0 target, so nothing can
 * sit behind it; regional load balancers are each in series with their own region only, and the
 * regions are in parallel behind DNS (Cloud DNS's SLA: 100%).
 *
 * Each region: a proxy-only subnet and a firewall rule from it to the fleet, a regional health check
 * at the tier's fleet target health, a backend service, a URL map, an HTTPS proxy (TLS 1.2, MODERN)
 * with a Google-managed certificate
 * from Certificate Manager authorized through DNS (issued before the proxy uses it, renewed without
 * an outage; named after its domains and created before its predecessor is destroyed), a static
 * address and a forwarding rule on 443 (HTTPS only: port 80 is not opened).
 *
 * Each region also answers on a name of its own, `<region>.<domain>` (an A record without routing,
 * on the region's certificate): uptime probes of one region request it, so that they measure that
 * region rather than whichever one DNS answers with.
 *
 * DNS: one A record with a geolocation policy over the regions, each answer health-checked by a
 * global health check from 3 probe regions (what a public zone's health-checked routing requires:
 * exactly 3 `source_regions`, probes at least 30 s apart); geo-fencing off, so that a region with no
 * healthy answer sends its clients to the next one. The TTL is shortened so that detection plus
 * cached answers fit the region RTO.
 *
 * Not yet: Cloud Armor. Provider 6.50's google_compute_region_backend_service has no
 * `security_policy` (the regional policy attaches through the beta provider only), so this entry
 * has no WAF rules or per-IP rate limit, where `GlobalFrontend` has both.
 *
 * Cloud Run services attach through their serverless NEGs (`serverlessBackends`): the regional
 * backend service then has no health check and no firewall rule (neither applies to serverless NEGs),
 * and Cloud DNS's check, which requests the deep path through each load balancer, takes a failing
 * region out of the answers.
 *
 * Construct ids (public API): per region `ProxySubnet-<r>`, `ProxyFirewall-<r>` and `HealthCheck-<r>` (fleets only),
 * `Backend-<r>`, `UrlMap-<r>`, `SslPolicy-<r>`, `DnsAuthorization-<r>`,
 * `DnsAuthorizationRecord-<r>`, `RegionalDnsAuthorization-<r>`, `RegionalDnsAuthorizationRecord-<r>`,
 * `Certificate-<r>`, `HttpsProxy-<r>`, `Address-<r>`, `HttpsRule-<r>`, `RegionalRecord-<r>`;
 * `DnsHealthCheck`, `Record`.
 */
export class RegionalEntry extends Construct {
  public readonly loadBalancers: RegionalLoadBalancer[];
  public readonly record: DnsRecordSet;
  public readonly dnsHealthCheck: ComputeHealthCheck;
  /** The deep path both checks request: an uptime probe of a region requests it too. */
  public readonly healthCheckPath: string;

  constructor(scope: Construct, id: string, props: RegionalEntryProps) {
    super(scope, id);
    const { tier } = props;
    const fleetsGiven = props.backends ?? [];
    const serverless = props.serverlessBackends ?? [];
    if (fleetsGiven.length > 0 === serverless.length > 0) {
      throw validationError(
        `backends or serverlessBackends must list the backends, one of them only, got: ${fleetsGiven.length > 0 ? 'both' : 'none'}`,
        this,
        'backends',
      );
    }
    const regions = [...new Set([...fleetsGiven, ...serverless].map((b) => b.region))];
    if (regions.some((r) => Token.isUnresolved(r))) {
      throw validationError(
        "backends must run in regions known at synthesis (each keys its load balancer's construct ids), got: a token",
        this,
        'backends',
      );
    }
    const plan = planRegionalEntry(tier, {
      regions,
      proxySubnetCidrs: props.proxySubnetCidrs,
      dnsProbeRegions: props.dnsProbeRegions,
      healthCheckPath: props.healthCheckPath,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'RegionalEntry', plan.warnings);
    this.healthCheckPath = plan.healthCheckPath;
    const record = haRecord(this, props, {
      component: 'RegionalEntry',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    const labels = haLabels(props, record);
    const health = plan.backendHealth;
    // Certificates and probes name the host without the final dot; the record, fully qualified, with it.
    const host = Token.isUnresolved(props.domain) ? Fn.trimsuffix(props.domain, '.') : props.domain.replace(/\.$/, '');
    const recordName = `${host}.`;

    this.loadBalancers = regions.map((region) => {
      const fleets = fleetsGiven.filter((b) => b.region === region);
      const negs = serverless.filter((b) => b.region === region);
      const name = (part: string) => uniqueName(this, `${part}-${region}`);
      const proxySubnet = new ComputeSubnetwork(this, `ProxySubnet-${region}`, {
        name: name('ProxySubnet'),
        region,
        network: props.network.networkId,
        ipCidrRange: props.proxySubnetCidrs[region],
        purpose: 'REGIONAL_MANAGED_PROXY',
        role: 'ACTIVE',
      });
      // Fleets take the proxies' traffic through a firewall rule and a health check; serverless NEGs take neither.
      const healthCheck =
        fleets.length === 0
          ? undefined
          : (() => {
              new ComputeFirewall(this, `ProxyFirewall-${region}`, {
                name: name('ProxyFirewall'),
                network: props.network.networkId,
                direction: 'INGRESS',
                sourceRanges: [props.proxySubnetCidrs[region]],
                targetTags: fleets.map((f) => f.networkTag),
                allow: [{ protocol: 'tcp', ports: [...new Set(fleets.map((f) => String(f.port)))] }],
              });
              return new ComputeRegionHealthCheck(this, `HealthCheck-${region}`, {
                name: name('HealthCheck'),
                region,
                checkIntervalSec: health.intervalSeconds,
                timeoutSec: health.timeoutSeconds,
                healthyThreshold: 2,
                unhealthyThreshold: health.unhealthyThresholdCount,
                httpHealthCheck: { port: fleets[0].port, requestPath: plan.healthCheckPath },
                logConfig: { enable: true },
              });
            })();
      const backendService = new ComputeRegionBackendService(this, `Backend-${region}`, {
        name: name('Backend'),
        region,
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        // Cloud Run serves HTTPS only.
        protocol: negs.length > 0 ? 'HTTPS' : 'HTTP',
        portName: fleets.length > 0 ? fleets[0].portName : undefined,
        healthChecks: healthCheck ? [healthCheck.id] : undefined,
        logConfig: { enable: true, sampleRate: 1 },
        backend: [
          ...fleets.map((f) => ({
            group: f.instanceGroup,
            balancingMode: 'UTILIZATION',
            capacityScaler: 1,
            description: `${f.role} fleet in ${region}`,
          })),
          // A serverless NEG takes no balancing mode: Cloud Run scales behind it.
          ...negs.map((n) => ({
            group: n.networkEndpointGroup,
            description: `${n.role} Cloud Run service in ${region}`,
          })),
        ],
      });
      const urlMap = new ComputeRegionUrlMap(this, `UrlMap-${region}`, {
        name: name('UrlMap'),
        region,
        defaultService: backendService.id,
      });
      const sslPolicy = new ComputeRegionSslPolicy(this, `SslPolicy-${region}`, {
        name: name('SslPolicy'),
        region,
        profile: 'MODERN',
        minTlsVersion: 'TLS_1_2',
      });
      // The service's name and this region's own name, each authorized through DNS.
      const regionalHost = `${region}.${host}`;
      const authorize = (part: string, domain: string) =>
        authorizeDomain(this, `${part}-${region}`, {
          location: region,
          domain,
          labels,
          managedZone: props.managedZone,
          recordId: `${part}Record-${region}`,
        }).authorization;
      const authorized = [authorize('DnsAuthorization', host), authorize('RegionalDnsAuthorization', regionalHost)];
      // Named after its domains and created before its predecessor is destroyed (the shared builder).
      const certificate = dnsAuthorizedCertificate(this, `Certificate-${region}`, {
        location: region,
        domains: [host, regionalHost],
        authorizations: authorized,
        labels,
      });
      const proxy = new ComputeRegionTargetHttpsProxy(this, `HttpsProxy-${region}`, {
        name: name('HttpsProxy'),
        region,
        urlMap: urlMap.id,
        certificateManagerCertificates: [certificate.id],
        sslPolicy: sslPolicy.id,
      });
      const address = new ComputeAddress(this, `Address-${region}`, {
        name: name('Address'),
        region,
        addressType: 'EXTERNAL',
        networkTier: 'PREMIUM',
        labels,
      });
      const rule = new ComputeForwardingRule(this, `HttpsRule-${region}`, {
        name: name('HttpsRule'),
        region,
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        network: props.network.networkId,
        networkTier: 'PREMIUM',
        ipProtocol: 'TCP',
        portRange: '443',
        ipAddress: address.id,
        target: proxy.id,
        labels,
        // The proxies need their subnet before the rule can be created.
        dependsOn: [proxySubnet],
      });
      // This region only, unrouted: probes and people reach it whatever DNS answers for the service.
      new DnsRecordSet(this, `RegionalRecord-${region}`, {
        managedZone: props.managedZone,
        name: `${regionalHost}.`,
        type: 'A',
        ttl: plan.ttlSeconds,
        rrdatas: [address.address],
      });
      return { region, backendService, address, forwardingRuleName: rule.name, host: regionalHost };
    });

    const dns = plan.dnsHealth;
    this.dnsHealthCheck = new ComputeHealthCheck(this, 'DnsHealthCheck', {
      name: uniqueName(this, 'DnsHealthCheck'),
      checkIntervalSec: dns.intervalSeconds,
      timeoutSec: dns.timeoutSeconds,
      healthyThreshold: 2,
      unhealthyThreshold: dns.unhealthyThreshold,
      sourceRegions: [...props.dnsProbeRegions],
      httpsHealthCheck: { port: 443, requestPath: plan.healthCheckPath, host },
    });
    this.record = new DnsRecordSet(this, 'Record', {
      managedZone: props.managedZone,
      name: recordName,
      type: 'A',
      ttl: plan.ttlSeconds,
      routingPolicy: {
        healthCheck: this.dnsHealthCheck.id,
        // A region whose answer is unhealthy sends its clients to the nearest healthy one.
        enableGeoFencing: false,
        geo: this.loadBalancers.map((lb) => ({
          location: lb.region,
          healthCheckedTargets: { externalEndpoints: [lb.address.address] },
        })),
      },
    });

    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(this, record);
  }
}
