import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Testing } from 'cdktf';
import { FailureDomain, HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { attachHaMetadata } from '../../../lib/tf/google/metadata';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { resourcesOf, terraformJson, testStack } from './util';

Testing.setupJest();

describe('RegionalNetwork', () => {
  test('GIVEN TIER_0 in two regions THEN a custom-mode network with global routing', () => {
    const synth = Testing.synthScope((scope) => {
      new RegionalNetwork(scope, 'Network', { tier: ServiceTier.TIER_0, regions: ['us-central1', 'us-east1'] });
    });
    expect(synth).toHaveResourceWithProperties(ComputeNetwork, {
      auto_create_subnetworks: false,
      routing_mode: 'GLOBAL',
    });
    expect(synth).toHaveResourceWithProperties(ComputeSubnetwork, {
      region: 'us-east1',
      ip_cidr_range: '10.1.0.0/20',
      private_ip_google_access: true,
      log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
    expect(synth).toHaveResourceWithProperties(ComputeRouterNat, {
      region: 'us-central1',
      nat_ip_allocate_option: 'AUTO_ONLY',
    });
    expect(synth).toHaveResourceWithProperties(ServiceNetworkingConnection, {
      service: 'servicenetworking.googleapis.com',
    });
  });

  test('THEN every resource carries the HA record in its // block beside cdktf metadata', () => {
    const stack = testStack();
    new RegionalNetwork(stack, 'Network', { tier: ServiceTier.TIER_0, regions: ['us-central1', 'us-east1'] });
    const json = terraformJson(stack);
    const network = Object.values(resourcesOf(json, 'google_compute_network'))[0] as Record<
      string,
      Record<string, unknown>
    >;
    expect(network['//'][HA_METADATA_KEY]).toMatchObject({
      component: 'RegionalNetwork',
      tier: 'TIER_0',
      failureDomain: 'global',
      role: 'global',
    });
    expect(network['//'].metadata).toMatchObject({ path: 'stack/Network/Resource' });
  });

  test("WHEN subnet ranges are given by region THEN they are used, and Cloud NAT covers each region's subnetwork", () => {
    const synth = Testing.synthScope((scope) => {
      new RegionalNetwork(scope, 'Network', {
        tier: ServiceTier.TIER_3,
        regions: ['europe-west1'],
        subnetCidrs: { 'europe-west1': '10.20.0.0/16' },
      });
    });
    expect(synth).toHaveResourceWithProperties(ComputeSubnetwork, {
      region: 'europe-west1',
      ip_cidr_range: '10.20.0.0/16',
    });
    expect(synth).toHaveResourceWithProperties(ComputeRouterNat, {
      source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [
        {
          name: expect.stringContaining('google_compute_subnetwork.Network_Subnet-europe-west1'),
          source_ip_ranges_to_nat: ['ALL_IP_RANGES'],
        },
      ],
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });

  test('THEN flow logs are routed to a log bucket that keeps them the tier log retention', () => {
    const synth = Testing.synthScope((scope) => {
      new RegionalNetwork(scope, 'Network', { tier: ServiceTier.TIER_3, regions: ['europe-west1'] });
    });
    expect(synth).toHaveResourceWithProperties(LoggingProjectBucketConfig, {
      location: 'global',
      retention_days: 365,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(LoggingProjectSink, {
      destination: expect.stringMatching(
        /^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.Network_FlowLogBucket_[0-9A-F]+\.id\}$/,
      ),
      filter: expect.stringMatching(
        /^log_id\("compute\.googleapis\.com\/vpc_flows"\) AND resource\.type="gce_subnetwork" AND resource\.labels\.subnetwork_name=\("\$\{google_compute_subnetwork\.Network_Subnet-europe-west1_[0-9A-F]+\.name\}"\)$/,
      ),
    });
  });

  test('THEN the private services range is kept (prevent_destroy) and the peering is abandoned, not deleted, on destroy', () => {
    const synth = Testing.synthScope((scope) => {
      new RegionalNetwork(scope, 'Network', { tier: ServiceTier.TIER_3, regions: ['europe-west1'] });
    });
    expect(synth).toHaveResourceWithProperties(ComputeGlobalAddress, {
      purpose: 'VPC_PEERING',
      prefix_length: 16,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(ServiceNetworkingConnection, { deletion_policy: 'ABANDON' });
  });

  test('WHEN a user marks resources of their own THEN they get the record and the labels to use', () => {
    const stack = testStack();
    const own = new ComputeNetwork(stack, 'Own', { name: 'own' });
    const labels = attachHaMetadata(
      stack,
      { tier: ServiceTier.TIER_2, service: 'shop' },
      { component: 'Own', failureDomain: FailureDomain.REGION },
    );
    expect(labels).toEqual({
      'ha-service': 'shop',
      'ha-tier': 'tier_2',
      'ha-strategy': 'pilot_light',
      'ha-role': 'primary',
      'ha-component': 'own',
    });
    const json = terraformJson(stack);
    expect(
      (json.resource.google_compute_network[own.friendlyUniqueId]['//'] as Record<string, unknown>)[HA_METADATA_KEY],
    ).toMatchObject({ component: 'Own', service: 'shop' });
  });

  test.each([
    [
      { regions: ['us-central1', 'us-central1-a'] },
      'regions must be region names such as us-central1, got: us-central1-a',
    ],
    [{ regions: ['us-central1', 'us-central1'] }, 'regions must not repeat a region, got: us-central1 more than once'],
    [
      { regions: ['us-central1', 'us-east1'], allowedRegions: ['us-central1'] },
      'regions must stay within allowedRegions (us-central1), got: us-east1',
    ],
    [
      { regions: ['us-central1', 'us-east1'], subnetCidrs: { 'europe-west1': '10.9.0.0/20' } },
      'subnetCidrs must only name regions of this network (us-central1, us-east1), got: europe-west1',
    ],
    [
      { regions: ['us-central1', 'us-east1'], flowLogSampling: 0 },
      'flowLogSampling must be greater than 0 and at most 1, got: 0',
    ],
    [
      { regions: ['us-central1', 'us-east1'], flowLogRetentionDays: 4000 },
      "flowLogRetentionDays must be an integer from 1 to 3650 (a log bucket's retention), got: 4000",
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => new RegionalNetwork(testStack(), 'Network', { tier: ServiceTier.TIER_0, ...props })).toThrow(
      new Error(message),
    );
  });

  test('WHEN TIER_1 gets one region THEN it throws', () => {
    expect(
      () => new RegionalNetwork(testStack(), 'Network', { tier: ServiceTier.TIER_1, regions: ['us-central1'] }),
    ).toThrow(
      new Error(
        'regions must list at least 2 regions for TIER_1 (WARM_STANDBY keeps a second region), got: 1 (us-central1)',
      ),
    );
  });
});
