import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { HA_METADATA_KEY, HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { HaWorkload, NodePortService, WorkloadServiceAccount } from '../../../lib/tf/kubernetes';
import { onlyResource, terraformJson } from '../google/util';

const DIGEST = `registry.example/orders@sha256:${'c'.repeat(64)}`;

function service(nodePort: number): TerraformStack {
  const stack = new TerraformStack(new App(), 'stack');
  new KubernetesProvider(stack, 'Cluster', { configPath: '~/.kube/config' });
  const workload = new HaWorkload(stack, 'Orders', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    name: 'orders',
    namespace: 'shop',
    image: DIGEST,
    containerPort: 9090,
    requiredReplicas: 6,
    maxReplicas: 18,
  });
  new NodePortService(stack, 'OrdersService', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    role: HaRole.STANDBY,
    workload,
    nodePort,
  });
  return stack;
}

describe('NodePortService', () => {
  test("THEN a NodePort Service with the Local traffic policy on the fixed port, selecting the workload's pods", () => {
    const json = terraformJson(service(30080));
    expect(onlyResource(json, 'kubernetes_service_v1')).toMatchObject({
      metadata: { name: 'orders', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders' } },
      spec: {
        type: 'NodePort',
        external_traffic_policy: 'Local',
        selector: { 'app.kubernetes.io/name': 'orders' },
        port: [{ name: 'http', protocol: 'TCP', port: 9090, target_port: '9090', node_port: 30080 }],
      },
    });
  });

  test('THEN it carries the HA record with its role, and the workload states the peak it must carry', () => {
    const json = terraformJson(service(30080));
    expect(onlyResource(json, 'kubernetes_service_v1')['//']?.[HA_METADATA_KEY]).toMatchObject({
      service: 'checkout',
      role: 'standby',
      component: 'NodePortService',
    });
    expect(onlyResource(json, 'kubernetes_deployment_v1')['//']?.[HA_METADATA_KEY]).toMatchObject({
      requiredCapacity: 6,
    });
  });

  test('GIVEN a node port outside 30000-32767 THEN synthesis fails naming nodePort', () => {
    expect(() => service(8080)).toThrow(HaValidationError);
    expect(() => service(8080)).toThrow(/nodePort must be an integer from 30000 to 32767.*got: 8080/);
  });
});

describe('WorkloadServiceAccount', () => {
  test('THEN no API token is mounted, and on GKE the account names its Google account', () => {
    const stack = new TerraformStack(new App(), 'stack');
    new KubernetesProvider(stack, 'Cluster', { configPath: '~/.kube/config' });
    const account = new WorkloadServiceAccount(stack, 'Account', {
      tier: ServiceTier.TIER_1,
      service: 'checkout',
      name: 'orders',
      namespace: 'shop',
      googleServiceAccountEmail: 'orders@project.iam.gserviceaccount.com',
    });
    expect(account.name).toBe('orders');
    const body = onlyResource(terraformJson(stack), 'kubernetes_service_account_v1');
    expect(body).toMatchObject({
      metadata: {
        name: 'orders',
        namespace: 'shop',
        annotations: { 'iam.gke.io/gcp-service-account': 'orders@project.iam.gserviceaccount.com' },
      },
      automount_service_account_token: false,
    });
    expect(body['//']?.[HA_METADATA_KEY]).toMatchObject({ component: 'WorkloadServiceAccount' });
  });
});
