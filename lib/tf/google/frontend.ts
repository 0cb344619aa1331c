import { HaValidationError } from '../../core/errors';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { CertificateManagerCertificateMap } from '@cdktf/provider-google/lib/certificate-manager-certificate-map';
import { CertificateManagerCertificateMapEntry } from '@cdktf/provider-google/lib/certificate-manager-certificate-map-entry';
import { ComputeSecurityPolicy, ComputeSecurityPolicyRule } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Fn, ITerraformDependable, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DrStrategy, FailureDomain, HaRole, healthCheckPathProblem, READINESS_PATH } from '../../core';
import { fleetTargetHealth } from '../../core/fleet-health';
import { IFleetBackend } from './fleet';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { asArgument, AuthorizationRecord, authorizeDomain, dnsAuthorizedCertificate } from './private/dns-certificates';
import { PREVENT_DESTROY, warn } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { requireInteger } from '../../core/numbers';

/**
 * Cloud Armor preconfigured WAF rule sets (ModSecurity CRS 3.3) the frontend's policy denies on.
 * @see https://cloud.google.com/armor/docs/waf-rules
 */
export const PRECONFIGURED_WAF_RULES: readonly string[] = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'methodenforcement-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
];

/** A regional name points at the anycast address, which never changes (prevent_destroy): its TTL moves no traffic. */
const REGIONAL_RECORD_TTL_SECONDS = 300;

/** Priority of Cloud Armor's default rule (the lowest). */
const DEFAULT_RULE_PRIORITY = 2147483647;

/**
 * A fleet backend whose group serves only once other resources exist: a GKE node pool's instance
 * group gets its named port from Terraform (`HaGkeCluster.loadBalancerBackends`), and a backend
 * service that sends to the port name before the group has it sends to nothing.
 */
export interface IDependentFleetBackend extends IFleetBackend {
  /** What the backend service is created or changed after. */
  readonly readyAfter: readonly ITerraformDependable[];
}

/** What a load balancer needs from a serverless backend (a Cloud Run service's serverless NEG). */
export interface IServerlessBackend {
  /** Id of the region's serverless network endpoint group. */
  readonly networkEndpointGroup: string;
  readonly region: string;
  readonly role: HaRole;
}

/** Props of {@link GlobalFrontend}. */
export interface GlobalFrontendProps extends GoogleHaProps {
  /**
   * Fleets that serve the traffic, and the standby fleets that take it over. ACTIVE_ACTIVE and
   * WARM_STANDBY tiers need them in at least `tier.minRegions` regions; a PILOT_LIGHT tier warns
   * without its standby fleet (attached at zero instances, the load balancer takes it once it
   * scales). All must serve on the same port. Give these or `serverlessBackends`, not both.
   * @default - none
   */
  readonly backends?: IFleetBackend[];
  /**
   * Serverless NEGs (`HaCloudRunService.backends`), in as many regions as `backends` would need.
   * They get no load balancer health check (serverless NEGs take none): Cloud Run's service health
   * and the backend service's outlier detection take a failing region out.
   * @default - none
   */
  readonly serverlessBackends?: IServerlessBackend[];
  /**
   * The names the frontend serves, each with a Google-managed certificate of its own from Certificate
   * Manager, authorized through DNS (no wildcards: each name gets its own authorization). Point them
   * at `ipAddress`.
   */
  readonly domains: string[];
  /**
   * Host names that reach one region's fleets only, by region (e.g. `us-central1.example.com`): for
   * uptime probes per region and for draining a region by hand. Each gets a certificate, and an A
   * record to `ipAddress` in `managedZone` when one is given.
   * @default - none
   */
  readonly regionalDomains?: Record<string, string>;
  /**
   * The public Cloud DNS managed zone (its name) that holds the domains: each domain's DNS
   * authorization record (a CNAME) and each regional domain's A record are created in it.
   * @default - none: the records to create elsewhere are the output `DnsRecords` (and `dnsRecords`)
   */
  readonly managedZone?: string;
  /**
   * Whether the HTTPS proxy serves the Certificate Manager certificates (through the certificate map).
   * Set false for one apply when upgrading a frontend that served a load balancer certificate
   * (construct id `Certificate`, before Certificate Manager): the proxy keeps serving it while the new
   * certificates are issued; set true (or remove) once each shows `ACTIVE`
   * (`gcloud certificate-manager certificates list`), and the proxy moves without an HTTPS outage.
   * @default true
   */
  readonly certificateMapAttached?: boolean;
  /**
   * Path the load balancer's health check requests: it starts with '/' and has no whitespace. It
   * decides which region serves, so it is the deep (readiness) check.
   * @default READINESS_PATH ('/health/ready')
   */
  readonly healthCheckPath?: string;
  /**
   * Requests one client IP may send per minute before Cloud Armor answers 429.
   * @default 600
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Sensitivity of the preconfigured WAF rules (1 = fewest false positives, 4 = most signatures).
   * @default 1
   */
  readonly wafSensitivity?: number;
  /**
   * Share of requests the load balancer logs (0 to 1).
   * @default 1
   */
  readonly logSampleRate?: number;
}

/**
 * A global external Application Load Balancer in front of fleets or Cloud Run services in several regions.
 *
 * Google's edge sends each request to the closest backend with healthy capacity, so a region whose
 * instances fail the health check stops receiving traffic without a DNS change (cross-region
 * failover by health). Cloud Run services attach through serverless NEGs (`serverlessBackends`),
 * which take no health check: Cloud Run service health and outlier detection move their traffic
 * (see `HaCloudRunService`). HTTPS only (HTTP redirects), TLS 1.2+ with the MODERN profile, request
 * logging, and a Cloud Armor policy: preconfigured WAF rules, a per-IP rate limit and Adaptive
 * Protection. The anycast address has `prevent_destroy`: DNS records point at it.
 *
 * Certificates: one Google-managed certificate per name, from Certificate Manager, authorized through
 * DNS and served through a certificate map (an entry per name, the first domain's certificate also
 * for clients that send no SNI). A DNS authorization lets Certificate Manager issue before the name
 * serves and renew without traffic; a certificate per name means that adding or removing a name never
 * replaces the certificate another name is serving with (its map entry would move to a certificate
 * that is still provisioning: up to an hour without HTTPS for that name). Certificates and
 * authorizations are named after their domain and created before their predecessor is destroyed.
 *
 * Construct ids (public API): `Address`, per domain (keyed by the domain, or by its position when it
 * is a token) `DnsAuthorization-<d>`, `DnsAuthorizationRecord-<d>` (with `managedZone`),
 * `Certificate-<d>`, `CertificateMapEntry-<d>`; per regional domain the same with `Regional` before
 * the id and `-<region>` as key, and `RegionalRecord-<region>` (with `managedZone`); `CertificateMap`,
 * `PrimaryCertificateMapEntry`, `DnsRecords` (an output, without `managedZone`), `Certificate` (the load
 * balancer certificate of before, while `certificateMapAttached` is false), `SslPolicy`,
 * `SecurityPolicy`, `HealthCheck` (fleets only), `Resource` (the backend service), `Regional-<region>`
 * (a region's backend service), `UrlMap`, `HttpsProxy`, `HttpsRule`, `RedirectUrlMap`, `HttpProxy`,
 * `HttpRule`.
 */
export class GlobalFrontend extends Construct {
  public readonly backendService: ComputeBackendService;
  /** Name of the backend service (SLO filters select its requests by it). */
  public readonly backendServiceName: string;
  /** The anycast IPv4 address to point the domains at. */
  public readonly ipAddress: string;
  /**
   * The DNS records the certificates and regional domains need: each domain's authorization CNAME,
   * and (without `managedZone`) each regional domain's A record. Created in `managedZone` when given.
   */
  public readonly dnsRecords: AuthorizationRecord[];
  public readonly securityPolicy: ComputeSecurityPolicy;

  constructor(scope: Construct, id: string, props: GlobalFrontendProps) {
    super(scope, id);
    const { tier } = props;
    const fleets = props.backends ?? [];
    const serverless = props.serverlessBackends ?? [];
    if (fleets.length > 0 && serverless.length > 0) {
      throw new HaValidationError(
        'backends and serverlessBackends must not both be given (one backend service serves one kind), got: both',
      );
    }
    if (fleets.length === 0 && serverless.length === 0) {
      throw new HaValidationError('backends or serverlessBackends must list at least one backend, got: none');
    }
    const regions = [...new Set([...fleets, ...serverless].map((b) => b.region))];
    const needsServingRegions = tier.strategy === DrStrategy.ACTIVE_ACTIVE || tier.strategy === DrStrategy.WARM_STANDBY;
    if (needsServingRegions && regions.length < tier.minRegions) {
      throw new HaValidationError(
        `backends must span at least ${tier.minRegions} regions for ${tier.name} (${tier.strategy} serves from a second region), got: ${regions.length} (${regions.join(', ')})`,
      );
    }
    // A pilot light can still fail over by a configuration change; attached at zero, it needs none.
    if (tier.strategy === DrStrategy.PILOT_LIGHT && regions.length < tier.minRegions) {
      warn(
        this,
        'GlobalFrontend.backends',
        `backends reach only ${regions.join(', ')} for ${tier.name}: attach the standby region's RegionalFleet (role STANDBY, ` +
          'at its standby size of zero) so that traffic reaches it once it scales, without a change to the configuration',
      );
    }
    const ports = [...new Set(fleets.map((b) => b.port))];
    if (ports.length > 1) {
      throw new HaValidationError(
        `backends must all serve on the same port (one health check covers them), got: ${ports.join(', ')}`,
      );
    }
    if (props.domains.length === 0) {
      throw new HaValidationError('domains must list at least one domain for the managed certificate, got: none');
    }
    const regionalDomains = props.regionalDomains ?? {};
    const names = [...props.domains, ...Object.values(regionalDomains)];
    const wildcards = names.filter((d) => !Token.isUnresolved(d) && d.includes('*'));
    if (wildcards.length > 0) {
      throw new HaValidationError(
        `domains and regionalDomains must not contain wildcards (each name gets its own certificate and DNS authorization), got: ${wildcards.join(', ')}`,
      );
    }
    // `shop.example.com.` and `shop.example.com` are one host (one authorization record).
    const literal = names.filter((d) => !Token.isUnresolved(d)).map(hostName);
    const repeated = literal.filter((d, i) => literal.indexOf(d) !== i);
    if (repeated.length > 0) {
      throw new HaValidationError(
        `domains and regionalDomains must name each host once (one certificate each), got: ${[...new Set(repeated)].join(', ')} more than once`,
      );
    }
    const unknownRegions = Object.keys(regionalDomains).filter((r) => !regions.includes(r));
    if (unknownRegions.length > 0) {
      throw new HaValidationError(
        `regionalDomains must only name regions with a backend (${regions.join(', ')}), got: ${unknownRegions.join(', ')}`,
      );
    }
    const healthCheckPath = props.healthCheckPath ?? READINESS_PATH;
    const pathProblem = Token.isUnresolved(healthCheckPath)
      ? undefined
      : healthCheckPathProblem('healthCheckPath', healthCheckPath);
    if (pathProblem) {
      throw new HaValidationError(pathProblem);
    }
    const rateLimit = props.rateLimitPerMinute ?? 600;
    requireInteger('rateLimitPerMinute', rateLimit, 1);
    const sensitivity = props.wafSensitivity ?? 1;
    requireInteger('wafSensitivity', sensitivity, 1, 4);
    const sampleRate = props.logSampleRate ?? 1;
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new HaValidationError(`logSampleRate must be from 0 to 1, got: ${sampleRate}`);
    }

    const record = haRecord(this, props, {
      component: 'GlobalFrontend',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    const labels = haLabels(props, record);

    const address = new ComputeGlobalAddress(this, 'Address', {
      name: uniqueName(this, 'Address'),
      ipVersion: 'IPV4',
      addressType: 'EXTERNAL',
      labels,
      lifecycle: PREVENT_DESTROY,
    });
    this.ipAddress = address.address;

    // A certificate per name, keyed by the name (a token by its position): no name's certificate is
    // replaced because another name was added or removed.
    const hosts = [
      ...props.domains.map((d, i) => ({ id: Token.isUnresolved(d) ? `${i}` : d, domain: hostName(d), prefix: '' })),
      ...Object.entries(regionalDomains).map(([region, d]) => ({
        id: region,
        domain: hostName(d),
        prefix: 'Regional',
      })),
    ];
    const certificateMap = new CertificateManagerCertificateMap(this, 'CertificateMap', {
      name: uniqueName(this, 'CertificateMap'),
      labels,
    });
    const certificates = hosts.map(({ id: key, domain, prefix }) => {
      const { authorization, record } = authorizeDomain(this, `${prefix}DnsAuthorization-${key}`, {
        location: 'global',
        domain,
        labels,
        managedZone: props.managedZone,
        recordId: `${prefix}DnsAuthorizationRecord-${key}`,
      });
      const certificate = dnsAuthorizedCertificate(this, `${prefix}Certificate-${key}`, {
        location: 'global',
        domains: [domain],
        authorizations: [authorization],
        labels,
      });
      new CertificateManagerCertificateMapEntry(this, `${prefix}CertificateMapEntry-${key}`, {
        name: uniqueName(this, `${prefix}CertificateMapEntry-${key}`),
        map: certificateMap.name,
        hostname: domain,
        certificates: [certificate.id],
        labels,
      });
      return { certificate, record };
    });
    // Clients that send no SNI (or a name not listed) get the first domain's certificate.
    new CertificateManagerCertificateMapEntry(this, 'PrimaryCertificateMapEntry', {
      name: uniqueName(this, 'PrimaryCertificateMapEntry'),
      map: certificateMap.name,
      matcher: 'PRIMARY',
      certificates: [certificates[0].certificate.id],
      labels,
    });
    const regionalRecords = Object.entries(regionalDomains).map(([region, given]) => {
      const domain = hostName(given);
      const name = `${domain}.`;
      if (props.managedZone !== undefined) {
        new DnsRecordSet(this, `RegionalRecord-${region}`, {
          managedZone: props.managedZone,
          name,
          type: 'A',
          ttl: REGIONAL_RECORD_TTL_SECONDS,
          rrdatas: [address.address],
        });
      }
      return { domain, name, type: 'A', data: address.address };
    });
    this.dnsRecords = [
      ...certificates.map((c) => c.record),
      ...(props.managedZone === undefined ? regionalRecords : []),
    ];
    if (props.managedZone === undefined) {
      new TerraformOutput(this, 'DnsRecords', {
        description: 'DNS records to create: the certificates are issued once their authorization CNAMEs resolve',
        value: this.dnsRecords,
      });
    }
    const sslPolicy = new ComputeSslPolicy(this, 'SslPolicy', {
      name: uniqueName(this, 'SslPolicy'),
      profile: 'MODERN',
      minTlsVersion: 'TLS_1_2',
    });

    const rules: ComputeSecurityPolicyRule[] = PRECONFIGURED_WAF_RULES.map((rule, i) => ({
      priority: 1000 + i,
      action: 'deny(403)',
      description: `Preconfigured WAF rule set ${rule}`,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': ${sensitivity}})` } },
    }));
    // After the WAF rules: a throttle rule's conform action allows and ends the evaluation.
    rules.push({
      priority: 2000,
      action: 'throttle',
      description: `At most ${rateLimit} requests per minute per client IP`,
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: rateLimit, intervalSec: 60 },
      },
    });
    rules.push({
      priority: DEFAULT_RULE_PRIORITY,
      action: 'allow',
      description: 'Default rule',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
    });
    this.securityPolicy = new ComputeSecurityPolicy(this, 'SecurityPolicy', {
      name: uniqueName(this, 'SecurityPolicy'),
      type: 'CLOUD_ARMOR',
      rule: rules,
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
      advancedOptionsConfig: { jsonParsing: 'STANDARD' },
    });

    // Detection gets half the AZ RTO (core fleetTargetHealth, as the AWS fleets): the load balancer
    // stops sending to a lost zone's instances after interval × unhealthy threshold + timeout.
    const health = fleetTargetHealth(tier.azRtoSeconds);
    // Serverless NEGs take no health check: only fleets get one.
    const healthCheck =
      fleets.length === 0
        ? undefined
        : new ComputeHealthCheck(this, 'HealthCheck', {
            name: uniqueName(this, 'HealthCheck'),
            checkIntervalSec: health.intervalSeconds,
            timeoutSec: health.timeoutSeconds,
            healthyThreshold: 2,
            unhealthyThreshold: health.unhealthyThresholdCount,
            httpHealthCheck: { port: ports[0], requestPath: healthCheckPath },
            logConfig: { enable: true },
          });

    const backendsOf = (region?: string) => ({
      fleets: fleets.filter((b) => region === undefined || b.region === region),
      serverless: serverless.filter((b) => region === undefined || b.region === region),
    });
    const backendService = (backendId: string, { fleets: groups, serverless: negs }: ReturnType<typeof backendsOf>) =>
      new ComputeBackendService(this, backendId, {
        name: uniqueName(this, backendId),
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        // Cloud Run serves HTTPS only; instance groups serve HTTP behind the load balancer's TLS.
        protocol: negs.length > 0 ? 'HTTPS' : 'HTTP',
        portName: groups.length > 0 ? groups[0].portName : undefined,
        // A serverless NEG's request timeout is the Cloud Run service's own (its template's timeout).
        timeoutSec: negs.length > 0 ? undefined : 30,
        healthChecks: healthCheck ? [healthCheck.id] : undefined,
        securityPolicy: this.securityPolicy.id,
        logConfig: { enable: true, sampleRate },
        // Ejects an instance (a region's serverless NEG) that keeps failing requests before the health check notices.
        outlierDetection: {
          consecutiveErrors: 5,
          interval: { seconds: 10 },
          baseEjectionTime: { seconds: 30 },
          maxEjectionPercent: 50,
        },
        dependsOn: groups.flatMap((b) => ('readyAfter' in b ? [...(b as IDependentFleetBackend).readyAfter] : [])),
        backend: [
          ...groups.map((b) => ({
            group: b.instanceGroup,
            balancingMode: 'UTILIZATION',
            maxUtilization: 0.8,
            capacityScaler: 1,
            description: `${b.role} fleet in ${b.region}`,
          })),
          // A serverless NEG takes no balancing mode: Cloud Run scales behind it.
          ...negs.map((b) => ({
            group: b.networkEndpointGroup,
            description: `${b.role} Cloud Run service in ${b.region}`,
          })),
        ],
      });
    this.backendService = backendService('Resource', backendsOf());
    this.backendServiceName = this.backendService.name;

    const regional = Object.entries(regionalDomains).map(([region, host]) => ({
      region,
      host,
      service: backendService(`Regional-${region}`, backendsOf(region)),
    }));
    const urlMap = new ComputeUrlMap(this, 'UrlMap', {
      name: uniqueName(this, 'UrlMap'),
      defaultService: this.backendService.id,
      hostRule: regional.length > 0 ? regional.map((r) => ({ hosts: [r.host], pathMatcher: r.region })) : undefined,
      pathMatcher:
        regional.length > 0 ? regional.map((r) => ({ name: r.region, defaultService: r.service.id })) : undefined,
    });
    const httpsProxy = new ComputeTargetHttpsProxy(this, 'HttpsProxy', {
      name: uniqueName(this, 'HttpsProxy'),
      urlMap: urlMap.id,
      ...((props.certificateMapAttached ?? true)
        ? { certificateMap: `//certificatemanager.googleapis.com/${certificateMap.id}` }
        : { sslCertificates: [this.classicCertificate(props.domains, Object.values(regionalDomains)).id] }),
      sslPolicy: sslPolicy.id,
    });
    new ComputeGlobalForwardingRule(this, 'HttpsRule', {
      name: uniqueName(this, 'HttpsRule'),
      target: httpsProxy.id,
      ipAddress: address.id,
      portRange: '443',
      ipProtocol: 'TCP',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      labels,
    });

    const redirect = new ComputeUrlMap(this, 'RedirectUrlMap', {
      name: uniqueName(this, 'RedirectUrlMap'),
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, 'HttpProxy', {
      name: uniqueName(this, 'HttpProxy'),
      urlMap: redirect.id,
    });
    new ComputeGlobalForwardingRule(this, 'HttpRule', {
      name: uniqueName(this, 'HttpRule'),
      target: httpProxy.id,
      ipAddress: address.id,
      portRange: '80',
      ipProtocol: 'TCP',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      labels,
    });

    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(this, record);
  }

  /**
   * The load balancer certificate this frontend served before Certificate Manager, named and built as
   * it was then (so that it is kept, not replaced), while the new certificates are issued.
   */
  private classicCertificate(domains: string[], regionalDomains: string[]): ComputeManagedSslCertificate {
    const certificateDomains = [...domains, ...regionalDomains];
    const domainsJoined = Fn.join(',', certificateDomains.map(asArgument));
    return new ComputeManagedSslCertificate(this, 'Certificate', {
      name: `${uniqueName(this, 'Certificate', 54)}-${Fn.substr(Fn.md5(domainsJoined), 0, 8)}`,
      managed: { domains: certificateDomains },
      lifecycle: { createBeforeDestroy: true },
    });
  }
}

/** A host name without the final dot (certificates and map entries name hosts without it). */
function hostName(domain: string): string {
  return Token.isUnresolved(domain) ? Fn.trimsuffix(asArgument(domain), '.') : domain.replace(/\.$/, '');
}
