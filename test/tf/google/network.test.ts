import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Testing } from 'cdktf';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { resourcesOf, terraformJson, testStack } from './util';

Testing.setupJest();

describe('RegionalNetwork', () => {
  test('GIVEN TIER_0 in two regions THEN a custom-mode network with global routing', () => {
    const synth = Testing.synthScope((scope) => {
      new RegionalNetwork(scope, 'Network', { tier: ServiceTier.TIER_0, regions: ['us-central1', 'us-east1'] });
    });
    expect(synth).toHaveResourceWithProperties(ComputeNetwork, { auto_create_subnetworks: false, routing_mode: 'GLOBAL' });
    expect(synth).toHaveResourceWithProperties(ComputeSubnetwork, {
      region: 'us-east1',
      ip_cidr_range: '10.1.0.0/20',
      private_ip_google_access: true,
      log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
    expect(synth).toHaveResourceWithProperties(ComputeRouterNat, { region: 'us-central1', nat_ip_allocate_option: 'AUTO_ONLY' });
    expect(synth).toHaveResourceWithProperties(ServiceNetworkingConnection, { service: 'servicenetworking.googleapis.com' });
  });

  test('THEN every resource carries the HA record in its // block beside cdktf metadata', () => {
    const stack = testStack();
    new RegionalNetwork(stack, 'Network', { tier: ServiceTier.TIER_0, regions: ['us-central1', 'us-east1'] });
    const json = terraformJson(stack);
    const network = Object.values(resourcesOf(json, 'google_compute_network'))[0] as Record<string, Record<string, unknown>>;
    expect(network['//'][HA_METADATA_KEY]).toMatchObject({ component: 'RegionalNetwork', tier: 'TIER_0', failureDomain: 'global' });
    expect(network['//'].metadata).toMatchObject({ path: 'stack/Network/Resource' });
  });

  test('WHEN TIER_1 gets one region THEN it throws', () => {
    expect(() => new RegionalNetwork(testStack(), 'Network', { tier: ServiceTier.TIER_1, regions: ['us-central1'] }))
      .toThrow(new Error('regions must list at least 2 regions for TIER_1 (WARM_STANDBY keeps a second region), got: 1 (us-central1)'));
  });
});
