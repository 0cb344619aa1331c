import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { ZoneBoundStorageClass } from '../../lib/aws/storage-class';
import { ServiceTier } from '../../lib/core';
import { fleetMinZones } from '../../lib/core/plans/fleet';
import { ebsVolumeParameters, StorageClassManifest } from '../../lib/core/plans/storage-class';
import { ZoneBoundStorageClass as TfZoneBoundStorageClass } from '../../lib/tf/kubernetes/storage-class';
import { testApp } from '../util';
import { intents } from './harness';

/**
 * ZoneBoundStorageClass on EKS (one KubernetesManifest) and on Terraform (the kubernetes provider's
 * `kubernetes_storage_class_v1`), from one intent: the same binding mode, reclaim policy, expansion,
 * allowed zones under the driver's key, parameters and default-class annotation, all from core's
 * planStorageClass.
 */

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d'];
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0f0e0d0c-0b0a-0908-0706-050403020100';

interface Intent {
  readonly tier: ServiceTier;
  readonly name: string;
  readonly zones?: string[];
  readonly isDefault?: boolean;
}

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    name: fc.constantFrom('zonal-gp3', 'orders.data'),
    extraZones: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
    isDefault: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((p): Intent => ({
    tier: p.tier,
    name: p.name,
    // At least the tier's zones, when given.
    zones: p.extraZones === undefined ? undefined : ZONES.slice(0, fleetMinZones(p.tier) + p.extraZones),
    isDefault: p.isDefault,
  }));

/** The class's HA values in the Kubernetes API's terms. */
type ClassValues = Omit<StorageClassManifest, 'apiVersion' | 'kind'>;

function cdkValues(i: Intent): ClassValues {
  const stack = new Stack(testApp(), 'Twin');
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    handlerRole: iam.Role.fromRoleArn(stack, 'Handler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop', kubectlProvider });
  new ZoneBoundStorageClass(stack, 'Volumes', { ...i, cluster, parameters: { ...ebsVolumeParameters(KEY) } });
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
  const [manifest] = JSON.parse(resource.Properties.Manifest as string) as StorageClassManifest[];
  const { annotations } = manifest.metadata;
  return {
    metadata: { name: manifest.metadata.name, ...(annotations ? { annotations } : {}) },
    provisioner: manifest.provisioner,
    parameters: manifest.parameters,
    volumeBindingMode: manifest.volumeBindingMode,
    reclaimPolicy: manifest.reclaimPolicy,
    allowVolumeExpansion: manifest.allowVolumeExpansion,
    ...(manifest.allowedTopologies ? { allowedTopologies: manifest.allowedTopologies } : {}),
  };
}

/** A Terraform body, read as far as these values need. */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function tfValues(i: Intent): ClassValues {
  const stack = new TerraformStack(new App(), 'twin');
  new KubernetesProvider(stack, 'kubernetes', {});
  new TfZoneBoundStorageClass(stack, 'Volumes', {
    ...i,
    provisioner: 'ebs.csi.aws.com',
    parameters: { ...ebsVolumeParameters(KEY) },
  });
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as { resource: Record<string, Record<string, Body>> };
  const [body] = Object.values(json.resource.kubernetes_storage_class_v1);
  const topology = body.allowed_topologies as Body | undefined;
  return {
    metadata: {
      name: body.metadata.name,
      ...(body.metadata.annotations ? { annotations: body.metadata.annotations } : {}),
    },
    provisioner: body.storage_provisioner,
    parameters: body.parameters,
    volumeBindingMode: body.volume_binding_mode,
    reclaimPolicy: body.reclaim_policy,
    allowVolumeExpansion: body.allow_volume_expansion,
    ...(topology
      ? {
          allowedTopologies: [
            {
              matchLabelExpressions: (topology.match_label_expressions as Body[]).map((e) => ({
                key: e.key,
                values: e.values,
              })),
            },
          ],
        }
      : {}),
  };
}

describe('ZoneBoundStorageClass twins', () => {
  test.each(intents(intent).map((i) => [i.tier.name, i.zones?.length ?? 'no', i] as const))(
    'GIVEN %s and %s zones THEN both engines render the same class',
    (_, __, i) => {
      const cdk = cdkValues(i);
      expect(cdk.volumeBindingMode).toBe('WaitForFirstConsumer');
      expect(cdk.reclaimPolicy).toBe('Retain');
      expect(cdk.allowedTopologies?.[0].matchLabelExpressions[0].values).toEqual(i.zones);
      expect(tfValues(i)).toEqual(cdk);
    },
  );
});
