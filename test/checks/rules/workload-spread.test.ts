import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, TerraformStack } from 'cdktf';
import { checkInputs } from '../../../lib/checks/check';
import { GraphInputs } from '../../../lib/checks/graph/load';
import { WorkloadSpread } from '../../../lib/checks/rules/az/WorkloadSpread';
import { HaWorkload } from '../../../lib/aws/eks-workload';
import { ServiceTier } from '../../../lib/core';
import { HaWorkload as TfHaWorkload } from '../../../lib/tf/kubernetes/workload';
import { testApp } from '../../util';
import { cfn, findings } from '../fixtures/builders';
import { KUBERNETES_CASES } from './cases-kubernetes';

describe.each(KUBERNETES_CASES.map((c) => [`${c.rule.id} ${c.engine} ${c.message}`, c] as const))('%s', (_, c) => {
  test('GIVEN the compliant fixture THEN there is no finding', () => {
    expect(findings(c.rule, c.compliant)).toEqual([]);
  });

  test('GIVEN the non-compliant fixture THEN one finding names the resource and says what to change', () => {
    expect(findings(c.rule, c.nonCompliant)).toEqual([
      expect.objectContaining({
        rule: c.rule.id,
        stack: c.stack,
        resource: c.resource,
        message: expect.stringContaining(c.message),
      }),
    ]);
  });
});

describe('HA-AZ5 on what HaWorkload synthesizes', () => {
  const options = {
    name: 'orders',
    namespace: 'shop',
    image: `orders@sha256:${'e'.repeat(64)}`,
    requiredReplicas: 6,
    maxReplicas: 18,
  };

  let inputs: GraphInputs;
  beforeAll(() => {
    const cloudFormation: NonNullable<GraphInputs['cloudFormation']>[number][] = [];
    const terraform: NonNullable<GraphInputs['terraform']>[number][] = [];
    for (const tier of ServiceTier.BUILT_IN) {
      const stack = new Stack(testApp(), `Eks${tier.name.replace('_', '')}`, { env: { region: 'eu-west-1' } });
      const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
        kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
        handlerRole: iam.Role.fromRoleArn(stack, 'Handler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
      });
      const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop', kubectlProvider });
      new HaWorkload(stack, 'Orders', { tier, cluster, ...options });
      cloudFormation.push({ name: stack.stackName, region: 'eu-west-1', template: Template.fromStack(stack).toJSON() });

      const tfStack = new TerraformStack(new App(), `tf-${tier.name}`);
      new KubernetesProvider(tfStack, 'Cluster', { configPath: '~/.kube/config' });
      new TfHaWorkload(tfStack, 'Orders', { tier, ...options });
      terraform.push({ name: tfStack.node.id, json: JSON.parse(JSON.stringify(tfStack.toTerraform())) });
    }
    inputs = { cloudFormation, terraform };
  });

  test('GIVEN HaWorkload on EKS and on Terraform for each tier THEN neither has a finding', () => {
    expect(findings(WorkloadSpread, inputs)).toEqual([]);
  });

  test('GIVEN the same output without its disruption budgets THEN each Deployment is found, on both engines', () => {
    // The rule read every Deployment above: without a budget, each of the 8 fails.
    const stripped = JSON.parse(JSON.stringify(inputs).replace(/PodDisruptionBudget/g, 'Removed')) as GraphInputs;
    for (const stack of stripped.terraform ?? []) {
      delete (stack.json as { resource: Record<string, unknown> }).resource.kubernetes_pod_disruption_budget_v1;
    }
    const found = findings(WorkloadSpread, stripped);
    expect(found).toHaveLength(8);
    expect(found.every((f) => /no PodDisruptionBudget in namespace shop/.test(f.message))).toBe(true);
  });

  test('GIVEN a manifest whose image is a parameter THEN the rule still reads it', () => {
    const objects = JSON.stringify([
      {
        kind: 'Deployment',
        metadata: { name: 'orders' },
        spec: {
          template: { metadata: { labels: { app: 'o' } }, spec: { containers: [{ name: 'o', image: 'IMAGE' }] } },
        },
      },
    ]).split('IMAGE');
    const resources = {
      Workload: {
        Type: 'Custom::AWSCDK-EKS-KubernetesResource',
        Properties: { ClusterName: 'shop', Manifest: { 'Fn::Join': ['', [objects[0], { Ref: 'Image' }, objects[1]]] } },
      },
    };
    const [finding] = findings(WorkloadSpread, cfn(resources, { tier: ServiceTier.TIER_2 }));
    expect(finding.message).toMatch(
      /no topology spread constraint.*no PodDisruptionBudget.*no liveness and no readiness probe/,
    );
  });

  test('GIVEN a manifest that is not JSON THEN the rule says it cannot read it, without a finding', () => {
    const resources = {
      Workload: {
        Type: 'Custom::AWSCDK-EKS-KubernetesResource',
        Properties: { ClusterName: 'shop', Manifest: { 'Fn::GetAtt': ['Chart', 'Manifest'] } },
      },
    };
    const report = checkInputs(cfn(resources, { tier: ServiceTier.TIER_1 }), { rules: [WorkloadSpread] });
    expect(report.findings).toEqual([]);
    expect(report.unchecked).toEqual([
      expect.objectContaining({ rule: 'HA-AZ5', resource: 'Workload', why: expect.stringMatching(/not literal JSON/) }),
    ]);
  });
});
