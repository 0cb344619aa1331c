import { HaValidationError } from '../../core/errors';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { PREVENT_DESTROY } from './private/lifecycle';
import { attachRecord, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { requireServiceRegions } from './private/regions';

/** A VPC network other constructs place their resources in. */
export interface IRegionalNetwork {
  /** The network's id (`projects/<p>/global/networks/<name>`). */
  readonly networkId: string;
  /** Regions with a subnetwork, in order. */
  readonly regions: readonly string[];
  /** Id of the subnetwork of a region; throws when the network has none there. */
  subnetworkId(region: string): string;
  /** The private services access connection (Cloud SQL private IP); undefined when not set up. */
  readonly privateServiceAccess?: ITerraformDependable;
}

/** Props of {@link RegionalNetwork}. */
export interface RegionalNetworkProps extends GoogleHaProps {
  /**
   * Regions to give a subnetwork, Cloud Router and Cloud NAT, at least `tier.minRegions` of them
   * (a multi-region tier keeps its standby's network ready before a disaster, not after).
   * Append new regions at the end: the default ranges follow the order.
   */
  readonly regions: string[];
  /**
   * Primary IPv4 range of each region's subnetwork, by region.
   * @default - `10.<n>.0.0/20` for the n-th region (from 0)
   */
  readonly subnetCidrs?: Record<string, string>;
  /**
   * Reserve a range and connect the network to Google's service producer network, so that Cloud SQL
   * (and other managed services) get private IPs in it.
   * @default true
   */
  readonly privateServiceAccess?: boolean;
  /**
   * Size of the range reserved for private services access.
   * @default 16
   */
  readonly privateServiceAccessPrefixLength?: number;
  /**
   * Share of packets the subnetworks' flow logs sample (0 to 1).
   * @default 0.5
   */
  readonly flowLogSampling?: number;
  /**
   * Days the flow logs are kept in the network's log bucket (1 to 3650).
   * @default - tier.logRetentionDays
   */
  readonly flowLogRetentionDays?: number;
}

/**
 * A custom-mode VPC network that spans regions: a subnetwork per region with Private Google Access
 * and flow logs (routed to a log bucket of their own that keeps them `tier.logRetentionDays`), a
 * Cloud Router and Cloud NAT per region (NAT is a regional, zone-redundant managed
 * service, so one per region keeps egress through a zone loss), global dynamic routing, and private
 * services access for Cloud SQL.
 *
 * Google Cloud resources carry their region as an argument, so one provider serves every region.
 *
 * Construct ids (public API): `Resource` (the network), `Subnet-<region>`, `Router-<region>`,
 * `Nat-<region>`, `FlowLogBucket` (prevent_destroy), `FlowLogSink`, `PrivateServiceRange` (prevent_destroy),
 * `PrivateServiceAccess`. A region's resources are keyed by
 * the region itself, so adding or removing a region never touches another region's subnetwork.
 */
export class RegionalNetwork extends Construct implements IRegionalNetwork {
  /** The network. */
  public readonly network: ComputeNetwork;
  public readonly networkId: string;
  public readonly regions: readonly string[];
  /** Subnetwork of each region. */
  public readonly subnetworks: Readonly<Record<string, ComputeSubnetwork>>;
  public readonly privateServiceAccess?: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const { tier } = props;
    const regions = [...props.regions];
    requireServiceRegions({ regions, tier, allowedRegions: props.allowedRegions });
    const sampling = props.flowLogSampling ?? 0.5;
    if (!(sampling > 0 && sampling <= 1)) {
      throw new HaValidationError(`flowLogSampling must be greater than 0 and at most 1, got: ${sampling}`);
    }
    const flowLogRetentionDays = props.flowLogRetentionDays ?? tier.logRetentionDays;
    if (!Number.isInteger(flowLogRetentionDays) || flowLogRetentionDays < 1 || flowLogRetentionDays > 3650) {
      throw new HaValidationError(
        `flowLogRetentionDays must be an integer from 1 to 3650 (a log bucket's retention), got: ${flowLogRetentionDays}`,
      );
    }
    const prefixLength = props.privateServiceAccessPrefixLength ?? 16;
    if (!Number.isInteger(prefixLength) || prefixLength < 8 || prefixLength > 24) {
      throw new HaValidationError(
        `privateServiceAccessPrefixLength must be an integer from 8 to 24, got: ${prefixLength}`,
      );
    }
    const unknownCidrRegions = Object.keys(props.subnetCidrs ?? {}).filter((r) => !regions.includes(r));
    if (unknownCidrRegions.length > 0) {
      throw new HaValidationError(
        `subnetCidrs must only name regions of this network (${regions.join(', ')}), got: ${unknownCidrRegions.join(', ')}`,
      );
    }

    this.regions = regions;
    this.network = new ComputeNetwork(this, 'Resource', {
      name: uniqueName(this, 'Resource'),
      autoCreateSubnetworks: false,
      // GLOBAL: Cloud Routers advertise every region's subnets, so failover traffic between regions needs no route changes.
      routingMode: 'GLOBAL',
    });
    this.networkId = this.network.id;

    const subnetworks: Record<string, ComputeSubnetwork> = {};
    regions.forEach((region, index) => {
      const subnetwork = new ComputeSubnetwork(this, `Subnet-${region}`, {
        name: uniqueName(this, `Subnet-${region}`),
        network: this.network.id,
        region,
        ipCidrRange: props.subnetCidrs?.[region] ?? `10.${index}.0.0/20`,
        privateIpGoogleAccess: true,
        logConfig: {
          aggregationInterval: 'INTERVAL_5_SEC',
          flowSampling: sampling,
          metadata: 'INCLUDE_ALL_METADATA',
        },
      });
      subnetworks[region] = subnetwork;
      const router = new ComputeRouter(this, `Router-${region}`, {
        name: uniqueName(this, `Router-${region}`),
        network: this.network.id,
        region,
      });
      new ComputeRouterNat(this, `Nat-${region}`, {
        name: uniqueName(this, `Nat-${region}`),
        router: router.name,
        region,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
        subnetwork: [{ name: subnetwork.selfLink, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      });
    });
    this.subnetworks = subnetworks;

    const project = projectOf(this).projectId;
    // A global bucket takes every region's flow logs; CMEK would need a regional bucket per region.
    const flowLogBucket = new LoggingProjectBucketConfig(this, 'FlowLogBucket', {
      project,
      location: 'global',
      bucketId: uniqueName(this, 'FlowLogBucket', 100),
      retentionDays: flowLogRetentionDays,
      description: `VPC flow logs of ${this.node.path}`,
      lifecycle: PREVENT_DESTROY,
    });
    const subnetworkNames = regions.map((region) => `"${subnetworks[region].name}"`).join(' OR ');
    new LoggingProjectSink(this, 'FlowLogSink', {
      name: uniqueName(this, 'FlowLogSink', 100),
      project,
      destination: `logging.googleapis.com/${flowLogBucket.id}`,
      filter: `log_id("compute.googleapis.com/vpc_flows") AND resource.type="gce_subnetwork" AND resource.labels.subnetwork_name=(${subnetworkNames})`,
      uniqueWriterIdentity: true,
    });

    if (props.privateServiceAccess ?? true) {
      const range = new ComputeGlobalAddress(this, 'PrivateServiceRange', {
        name: uniqueName(this, 'PrivateServiceRange'),
        network: this.network.id,
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        prefixLength,
        // The managed services' private IPs live in this range: it cannot change under them.
        lifecycle: PREVENT_DESTROY,
      });
      this.privateServiceAccess = new ServiceNetworkingConnection(this, 'PrivateServiceAccess', {
        network: this.network.id,
        service: 'servicenetworking.googleapis.com',
        reservedPeeringRanges: [range.name],
        // ABANDON: removing the peering while Cloud SQL instances still use it fails; leave it to the instances' owner.
        deletionPolicy: 'ABANDON',
      });
    }

    ProjectServices.of(this, props.projectServices).use(this);
    attachRecord(
      this,
      haRecord(this, props, {
        component: 'RegionalNetwork',
        failureDomain: FailureDomain.GLOBAL,
        role: props.role ?? HaRole.GLOBAL,
      }),
    );
  }

  public subnetworkId(region: string): string {
    const subnetwork = this.subnetworks[region];
    if (!subnetwork) {
      throw new HaValidationError(
        `region must be one of this network's regions (${this.regions.join(', ')}), got: ${region}`,
      );
    }
    return subnetwork.id;
  }
}
