import { ServiceTier } from '../../../lib/core';
import { fleetMinZones } from '../../../lib/core/plans/fleet';
import {
  ebsVolumeParameters,
  planStorageClass,
  StorageClassIntent,
  STORAGE_ZONE_TOPOLOGY_KEYS,
} from '../../../lib/core/plans/storage-class';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/0f0e0d0c-0b0a-0908-0706-050403020100';
const EBS: StorageClassIntent = {
  name: 'zonal-gp3',
  provisioner: 'ebs.csi.aws.com',
  parameters: ebsVolumeParameters(KEY),
  zones: ZONES,
};

describe('planStorageClass', () => {
  test('GIVEN TIER_1, EBS and three zones THEN the worked example of the doc', () => {
    const plan = planStorageClass(ServiceTier.TIER_1, EBS);
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.manifest).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'zonal-gp3' },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: KEY },
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ZONES }] }],
    });
  });

  test.each([
    ['ebs.csi.aws.com', 'topology.kubernetes.io/zone'],
    ['pd.csi.storage.gke.io', 'topology.gke.io/zone'],
  ])('GIVEN %s THEN the zones are named under the key its driver reports: %s', (provisioner, key) => {
    const plan = planStorageClass(ServiceTier.TIER_2, {
      ...EBS,
      provisioner,
      parameters: { ...EBS.parameters, 'disk-encryption-kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k' },
    });
    expect(plan.problems).toEqual([]);
    expect(plan.manifest.allowedTopologies![0].matchLabelExpressions[0].key).toBe(key);
    expect(STORAGE_ZONE_TOPOLOGY_KEYS[provisioner]).toBe(key);
  });

  test('GIVEN no zones THEN no allowed topologies: the volume follows its first pod wherever it lands', () => {
    const plan = planStorageClass(ServiceTier.TIER_1, { ...EBS, zones: undefined, isDefault: true });
    expect(plan.problems).toEqual([]);
    expect(plan.manifest).not.toHaveProperty('allowedTopologies');
    expect(plan.manifest.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
  });

  test('GIVEN every tier and zone count THEN zones below the tier minimum are refused, others accepted', () => {
    for (const tier of ServiceTier.BUILT_IN) {
      for (let count = 1; count <= 3; count++) {
        const problems = planStorageClass(tier, { ...EBS, zones: ZONES.slice(0, count) }).problems;
        const min = fleetMinZones(tier);
        expect(problems.map((p) => p.message)).toEqual(
          count < min ? [`zones must list at least ${min} zones for ${tier.name} (its minAzs), got: ${count}`] : [],
        );
      }
    }
  });

  test.each<[string, Partial<StorageClassIntent>, string, string]>([
    ['a name with capitals', { name: 'Zonal_GP3' }, 'name', 'name must be a DNS subdomain'],
    ['a zone twice', { zones: [...ZONES, 'us-east-1a'] }, 'zones', 'zones must not repeat a zone, got: us-east-1a'],
    [
      'zones for a driver whose zone key is unknown',
      { provisioner: 'efs.csi.aws.com' },
      'zones',
      'zones can restrict volumes only for a driver whose zone key is known',
    ],
    [
      'unencrypted EBS volumes',
      { parameters: { type: 'gp3' } },
      'parameters',
      "parameters.encrypted must be 'true' for EBS volumes, got: undefined",
    ],
    [
      "EBS volumes under AWS's own key",
      { parameters: { type: 'gp3', encrypted: 'true' } },
      'parameters',
      'parameters.kmsKeyId must name a customer-managed key',
    ],
  ])('GIVEN %s THEN a problem naming the prop', (_, change, prop, message) => {
    const [problem] = planStorageClass(ServiceTier.TIER_1, { ...EBS, ...change }).problems;
    expect(problem.prop).toBe(prop);
    expect(problem.message).toContain(message);
  });

  test('GIVEN the driver reads its parameters in any case THEN kmskeyid counts as a key', () => {
    const plan = planStorageClass(ServiceTier.TIER_1, { ...EBS, parameters: { encrypted: 'true', kmskeyid: KEY } });
    expect(plan.problems).toEqual([]);
  });

  test("GIVEN a Persistent Disk class without a key THEN a warning: Google's own key encrypts it", () => {
    const plan = planStorageClass(ServiceTier.TIER_1, {
      ...EBS,
      provisioner: 'pd.csi.storage.gke.io',
      parameters: { type: 'pd-balanced' },
    });
    expect(plan.problems).toEqual([]);
    expect(plan.warnings.map((w) => w.id)).toEqual(['parameters']);
  });
});
