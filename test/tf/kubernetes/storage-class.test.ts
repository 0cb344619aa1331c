import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { HA_METADATA_KEY, HaValidationError, ServiceTier } from '../../../lib/core';
import { ZoneBoundStorageClass } from '../../../lib/tf/kubernetes/storage-class';

const KEY = 'projects/shop/locations/us-central1/keyRings/shop/cryptoKeys/disks';
const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];

function build(name: string, isDefault?: boolean, zones?: string[]): TerraformStack {
  const stack = new TerraformStack(new App(), 'stack');
  new KubernetesProvider(stack, 'kubernetes', {});
  new ZoneBoundStorageClass(stack, 'Volumes', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    name,
    provisioner: 'pd.csi.storage.gke.io',
    parameters: { type: 'pd-balanced', 'disk-encryption-kms-key': KEY },
    isDefault,
    zones,
  });
  return stack;
}

describe('ZoneBoundStorageClass', () => {
  test("GIVEN a class THEN volumes bind in the first pod's zone, are retained and grow in place", () => {
    const json = JSON.parse(JSON.stringify(build('zonal').toTerraform()));
    const [storageClass] = Object.values(json.resource.kubernetes_storage_class_v1) as Record<string, unknown>[];
    expect(storageClass).toMatchObject({
      metadata: { name: 'zonal' },
      storage_provisioner: 'pd.csi.storage.gke.io',
      volume_binding_mode: 'WaitForFirstConsumer',
      reclaim_policy: 'Retain',
      allow_volume_expansion: true,
      parameters: { type: 'pd-balanced', 'disk-encryption-kms-key': KEY },
    });
    expect(storageClass.allowed_topologies).toBeUndefined();
    expect((storageClass.metadata as Record<string, unknown>).annotations).toBeUndefined();
    expect((storageClass['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
      component: 'ZoneBoundStorageClass',
      failureDomain: 'zone',
    });
  });

  test('GIVEN isDefault THEN the default-class annotation', () => {
    const json = JSON.parse(JSON.stringify(build('zonal', true).toTerraform()));
    const [storageClass] = Object.values(json.resource.kubernetes_storage_class_v1) as { metadata: unknown }[];
    expect(storageClass.metadata).toMatchObject({
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
  });

  test("GIVEN the cluster's zones THEN volumes only there, under the key Google's driver reports", () => {
    const json = JSON.parse(JSON.stringify(build('zonal', false, ZONES).toTerraform()));
    const [storageClass] = Object.values(json.resource.kubernetes_storage_class_v1) as Record<string, unknown>[];
    expect(storageClass.allowed_topologies).toEqual({
      match_label_expressions: [{ key: 'topology.gke.io/zone', values: ZONES }],
    });
  });

  test('GIVEN fewer zones than TIER_1 spans THEN an HaValidationError naming zones', () => {
    expect(() => build('zonal', false, ZONES.slice(0, 2))).toThrow(
      'zones must list at least 3 zones for TIER_1 (its minAzs), got: 2',
    );
  });

  test('GIVEN a name that is not a DNS subdomain THEN an HaValidationError naming the prop', () => {
    expect(() => build('Zonal_GP3')).toThrow(HaValidationError);
    expect(() => build('Zonal_GP3')).toThrow('name must be a DNS subdomain');
  });
});
