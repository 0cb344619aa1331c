import { ImagesInRegion } from '../../../lib/checks/rules/dr/ImagesInRegion';
import { HaRole, ServiceTier } from '../../../lib/core';
import { cfn, merge, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const uri = (region: string) => `111111111111.dkr.ecr.${region}.amazonaws.com/orders@${DIGEST}`;
const T1 = { tier: ServiceTier.TIER_1 };
const STANDBY = { ...T1, role: HaRole.STANDBY };

/** The primary region's stack: the repository, replicated to `replicaRegions`, and a service pulling it. */
export const primaryCfn = (replicaRegions: string[]) =>
  cfn(
    {
      Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: 'orders' } },
      ...(replicaRegions.length > 0
        ? {
            Replication: {
              Type: 'AWS::ECR::ReplicationConfiguration',
              Properties: {
                ReplicationConfiguration: {
                  Rules: [
                    {
                      Destinations: replicaRegions.map((Region) => ({ Region, RegistryId: '111111111111' })),
                      RepositoryFilters: [{ Filter: 'orders', FilterType: 'PREFIX_MATCH' }],
                    },
                  ],
                },
              },
            },
          }
        : {}),
      Task: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          ContainerDefinitions: [
            {
              Name: 'app',
              Image: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Repo', 'RepositoryUri'] }, `@${DIGEST}`]] },
            },
          ],
        },
      },
      Service: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, DesiredCount: 6 } },
    },
    { ...T1, name: 'Primary', region: 'us-east-1' },
  );

/** The standby region's stack: a service pulling `image`. */
export const standbyCfn = (image: unknown) =>
  cfn(
    {
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'app', Image: image }] } },
      Service: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, DesiredCount: 3 } },
    },
    { ...STANDBY, name: 'Standby', region: 'us-west-2' },
  );

const primaryTf = (replicated: boolean) =>
  tf(
    {
      aws_ecr_repository: { orders: { name: 'orders' } },
      ...(replicated
        ? {
            aws_ecr_replication_configuration: {
              registry: {
                replication_configuration: [
                  {
                    rule: [
                      {
                        destination: [{ region: 'us-west-2', registry_id: '111111111111' }],
                        repository_filter: [{ filter: 'orders', filter_type: 'PREFIX_MATCH' }],
                      },
                    ],
                  },
                ],
              },
            },
          }
        : {}),
    },
    { ...T1, name: 'primary', region: 'us-east-1' },
  );

const standbyTf = (image: string) =>
  tf(
    {
      aws_ecs_task_definition: { app: { container_definitions: JSON.stringify([{ name: 'app', image }]) } },
      aws_ecs_service: { app: { task_definition: '${aws_ecs_task_definition.app.arn}', desired_count: 3 } },
    },
    { ...STANDBY, name: 'standby', region: 'us-west-2' },
  );

export const IMAGE_CASES: RuleCase[] = [
  {
    rule: ImagesInRegion,
    engine: 'cloudformation',
    stack: 'Standby',
    resource: 'Service',
    message: 'Service (standby of TIER_1, in us-west-2) pulls 111111111111.dkr.ecr.us-east-1.amazonaws.com/orders@',
    compliant: merge(primaryCfn(['us-west-2']), standbyCfn(uri('us-west-2'))),
    nonCompliant: merge(primaryCfn(['us-west-2']), standbyCfn(uri('us-east-1'))),
  },
  {
    rule: ImagesInRegion,
    engine: 'terraform-aws',
    stack: 'standby',
    resource: 'aws_ecs_service.app',
    message: 'pulls orders in us-west-2, but the repository lives in us-east-1 and no replication configuration',
    compliant: merge(primaryTf(true), standbyTf(uri('us-west-2'))),
    nonCompliant: merge(primaryTf(false), standbyTf(uri('us-west-2'))),
  },
];
