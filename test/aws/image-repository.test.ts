import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { HaRole, MultiAzNetwork, ServiceTier } from '../../lib';
import { ImageRepository } from '../../lib/aws/image-repository';
import { RegistryReplication } from '../../lib/aws/registry-replication';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/aws/runbooks';
import { ResilientService } from '../../lib/aws/service';
import { checkInputs } from '../../lib/checks/check';
import { ImagesInRegion } from '../../lib/checks/rules/dr/ImagesInRegion';
import { FAILOVER_STEP_METADATA_KEY } from '../../lib/core';
import { graphInputsOf } from '../../lib/testing/synthesized';
import { nagErrors } from '../nag';
import { expectValidationError, testApp } from '../util';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

// Every test builds in a bare `new App()`, as a user's jest test does (testApp).

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CERT = (region: string) => `arn:aws:acm:${region}:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000`;

/** A TIER_1 service in two regions: images in us-east-1 replicated to us-west-2, a warm standby there. */
function twoRegions() {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
  const standbyRegistry = new RegistryReplication(standby, 'Registry');
  const images = new ImageRepository(primary, 'Images', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    repositoryName: 'orders/api',
    registry: new RegistryReplication(primary, 'Registry'),
    replicaRegistries: [standbyRegistry],
  });
  const service = (stack: Stack, role: HaRole, repository: ecr.IRepository) => {
    const region = stack.region;
    const network = new MultiAzNetwork(stack, 'Network', {
      tier: ServiceTier.TIER_1,
      service: 'orders',
      role,
      availabilityZones: ['a', 'b', 'c'].map((zone) => `${region}${zone}`),
    });
    return new ResilientService(stack, 'Service', {
      tier: ServiceTier.TIER_1,
      service: 'orders',
      role,
      vpc: network.vpc,
      repository,
      imageTagOrDigest: DIGEST,
      requiredCount: 6,
      maxCount: 18,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT(region)),
    });
  };
  service(primary, HaRole.PRIMARY, images.repository);
  const standbyService = service(standby, HaRole.STANDBY, images.replicaIn(standby));
  const runbooks = new FailoverRunbooks(standby, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    standbyService: {
      clusterName: standbyService.cluster.clusterName,
      serviceName: standbyService.service.serviceName,
    },
    primaryTaskCount: standbyService.primaryTaskCount,
    failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)),
  });
  return { app, primary, standby, images, standbyService, runbooks };
}

type Json = ReturnType<typeof JSON.parse>;
const PAGE = 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:orders-region-down';
let built: ReturnType<typeof twoRegions>;
let primary: Template;
let standby: Template;

function only(template: Template, type: string): Json {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

beforeAll(() => {
  built = twoRegions();
  primary = Template.fromStack(built.primary);
  standby = Template.fromStack(built.standby);
});

describe('ImageRepository', () => {
  test('THEN the repository has immutable tags, scan on push, its own retained key, and is retained', () => {
    const repository = only(primary, 'AWS::ECR::Repository');
    expect(repository.Properties).toMatchObject({
      RepositoryName: 'orders/api',
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
    });
    expect(repository).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(repository.Properties.EmptyOnDelete).not.toBe(true);
    const key =
      primary.findResources('AWS::KMS::Key')[repository.Properties.EncryptionConfiguration.KmsKey['Fn::GetAtt'][0]];
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('THEN the lifecycle keeps the 100 most recent images, tagged or not', () => {
    const policy = JSON.parse(only(primary, 'AWS::ECR::Repository').Properties.LifecyclePolicy.LifecyclePolicyText);
    expect(policy.rules).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
        action: { type: 'expire' },
      }),
    ]);
  });

  test("THEN the source registry's one replication rule copies the repository to us-west-2, in this account", () => {
    expect(only(primary, 'AWS::ECR::ReplicationConfiguration').Properties.ReplicationConfiguration).toEqual({
      Rules: [
        {
          Destinations: [{ Region: 'us-west-2', RegistryId: { Ref: 'AWS::AccountId' } }],
          RepositoryFilters: [{ Filter: 'orders/api', FilterType: 'PREFIX_MATCH' }],
        },
      ],
    });
    standby.resourceCountIs('AWS::ECR::ReplicationConfiguration', 0);
  });

  test("THEN the replica's creation template in us-west-2 names that region's own key, the lifecycle and a role", () => {
    const template = only(standby, 'AWS::ECR::RepositoryCreationTemplate').Properties;
    const keyId = template.EncryptionConfiguration.KmsKey['Fn::GetAtt'][0];
    expect(template).toMatchObject({
      Prefix: 'orders/api',
      AppliedFor: ['REPLICATION'],
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS' },
      CustomRoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
    });
    expect(template.LifecyclePolicy).toBe(
      only(primary, 'AWS::ECR::Repository').Properties.LifecyclePolicy.LifecyclePolicyText,
    );
    expect(standby.findResources('AWS::KMS::Key')[keyId]).toMatchObject({ DeletionPolicy: 'Retain' });
    expect(only(standby, 'AWS::KMS::Alias').Properties).toEqual({
      AliasName: 'alias/ha-constructs/ecr-replicas',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  test('THEN the role ECR assumes may use only that key and create only the replicated names', () => {
    const template = only(standby, 'AWS::ECR::RepositoryCreationTemplate').Properties;
    const roleId = template.CustomRoleArn['Fn::GetAtt'][0];
    const role = standby.findResources('AWS::IAM::Role')[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' } },
    ]);
    const policies = Object.values(standby.findResources('AWS::IAM::Policy')).filter((p: Json) =>
      p.Properties.Roles.some((r: Json) => r.Ref === roleId),
    );
    const statements = policies.flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        Resource: template.EncryptionConfiguration.KmsKey,
      }),
      expect.objectContaining({
        Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ecr:us-west-2:',
              { Ref: 'AWS::AccountId' },
              ':repository/orders/api*',
            ],
          ],
        },
      }),
    ]);
  });

  test('THEN the primary stack deploys after the standby (the template exists before the first replica)', () => {
    expect(built.primary.dependencies).toContain(built.standby);
  });
});

describe('ResilientService by digest', () => {
  test("THEN the standby's tasks pull the digest from the replica in their own region", () => {
    const task = only(standby, 'AWS::ECS::TaskDefinition').Properties;
    expect(task.ContainerDefinitions[0].Image).toEqual({
      'Fn::Join': [
        '',
        [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.us-west-2.', { Ref: 'AWS::URLSuffix' }, `/orders/api@${DIGEST}`],
      ],
    });
    expect(built.standbyService.taskCount.desired).toBe(3);
  });

  test('THEN HA-DR5 finds every region pulling its image from its own region', () => {
    const report = checkInputs(graphInputsOf(built.app), { rules: [ImagesInRegion] });
    expect(report.findings).toEqual([]);
    expect(report.unchecked ?? []).toEqual([]);
  });
});

describe('the standby scale-up runbook (FailoverRunbooks standbyService)', () => {
  let document: { Properties: Json; Metadata: Json };
  beforeAll(() => {
    const documents = Object.entries(standby.findResources('AWS::SSM::Document'));
    expect(documents.map(([id]) => id)).toEqual([expect.stringMatching(/^RunbooksScaleStandbyServiceDocument/)]);
    document = documents[0][1] as never;
  });

  test("THEN its defaults are the primary's task count, and the warm standby runs one task per AZ", () => {
    expect(built.standbyService.taskCount.desired).toBe(3);
    const parameters = document.Properties.Content.parameters;
    expect([parameters.MinCapacity, parameters.DesiredCount, parameters.MaxCapacity].map((p) => p.default)).toEqual([
      9, 9, 18,
    ]);
    expect(parameters.ClusterName.default).toEqual({ Ref: expect.stringMatching(/^ServiceCluster/) });
    expect(parameters.ServiceName.default).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Service/), 'Name'] });
  });

  test('THEN it raises the scaling bounds before the desired count, and waits up to the region RTO', () => {
    const steps = document.Properties.Content.mainSteps as Json[];
    expect(steps.map((s) => [s.name, s.inputs.Service, s.inputs.Api])).toEqual([
      ['RaiseScalingBounds', 'application-autoscaling', 'RegisterScalableTarget'],
      ['ScaleToPrimaryCount', 'ecs', 'UpdateService'],
      ['WaitForTasks', 'ecs', 'DescribeServices'],
    ]);
    expect(steps[0].inputs).toMatchObject({
      ResourceId: 'service/{{ ClusterName }}/{{ ServiceName }}',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: '{{ MinCapacity }}',
    });
    expect(steps[1].inputs).toMatchObject({ service: '{{ ServiceName }}', desiredCount: '{{ DesiredCount }}' });
    expect(steps[2]).toMatchObject({
      timeoutSeconds: ServiceTier.TIER_1.regionRtoSeconds,
      inputs: { PropertySelector: '$.services[0].runningCount', DesiredValues: ['{{ DesiredCount }}'] },
    });
  });

  test('THEN the report reads it as the scale-up step, started by a person with a stated decision time', () => {
    expect(document.Metadata[FAILOVER_STEP_METADATA_KEY]).toEqual({
      step: 'scale-up',
      startedBy: 'operator',
      decisionSeconds: 300,
    });
  });

  test('THEN its role may update and describe only that service, and cdk-nag finds nothing', () => {
    const policy = Object.values(standby.findResources('AWS::IAM::ManagedPolicy'))[0] as Json;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['ScaleThisService', ['ecs:UpdateService', 'ecs:DescribeServices']],
      ['RaiseScalingBounds', 'application-autoscaling:RegisterScalableTarget'],
    ]);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:service\/.*ServiceCluster.*\/.*Service/);
    expect(nagErrors(built.runbooks)).toEqual([]);
  });
});

describe('bad props', () => {
  const stack = () => new Stack(testApp(), 'Primary', { env: { region: 'us-east-1' } });

  test.each<[string, (s: Stack) => unknown, string]>([
    [
      'TIER_1 without replicas',
      (s) => new ImageRepository(s, 'Images', { tier: ServiceTier.TIER_1, repositoryName: 'orders' }),
      'replicaRegistries must name at least 1 other region(s) for TIER_1 (WARM_STANDBY): a standby region starts ' +
        'tasks only from an image in its own region, got: 0',
    ],
    [
      'replicas without the source registry',
      (s) =>
        new ImageRepository(s, 'Images', {
          tier: ServiceTier.TIER_1,
          repositoryName: 'orders',
          replicaRegistries: [
            new RegistryReplication(new Stack(s.node.root as App, 'W', { env: { region: 'us-west-2' } }), 'R'),
          ],
        }),
      "registry must be given with replicaRegistries (the RegistryReplication of this repository's account and " +
        'region holds the rule), got: none',
    ],
    [
      'a second registry in the same account and region',
      (s) => {
        new RegistryReplication(s, 'Registry');
        new RegistryReplication(new Stack(s.node.root as App, 'Other', { env: { region: 'us-east-1' } }), 'Registry');
      },
      'a RegistryReplication must be the only one of its account and region (ECR keeps one replication ' +
        'configuration per registry, the last deployed wins), got: another at Primary/Registry in us-east-1',
    ],
    [
      'one image kept',
      (s) => new ImageRepository(s, 'Images', { tier: ServiceTier.TIER_3, repositoryName: 'orders', imagesKept: 1 }),
      'imagesKept must be an integer of at least 2, got: 1',
    ],
    [
      'an upper-case name',
      (s) => new ImageRepository(s, 'Images', { tier: ServiceTier.TIER_3, repositoryName: 'Orders' }),
      'repositoryName must be 2 to 256 lowercase letters, digits and . _ - separators, in / separated parts, got: Orders',
    ],
    [
      'a replica asked for in a region it does not replicate to',
      (s) => {
        const images = new ImageRepository(s, 'Images', { tier: ServiceTier.TIER_3, repositoryName: 'orders' });
        images.replicaIn(new Stack(s.node.root as App, 'Eu', { env: { region: 'eu-west-1' } }));
      },
      "the images of orders are in us-east-1, got: a construct in eu-west-1; add its region's RegistryReplication " +
        'to replicaRegistries',
    ],
  ])('GIVEN %s THEN an error names the prop and the value', (_name, build, message) => {
    expectValidationError(() => build(stack()), message);
  });

  test.each<[string, ServiceTier, (s: Stack) => ecr.IRepository, string | undefined, string]>([
    [
      'a tag for TIER_1',
      ServiceTier.TIER_1,
      (s) => ecr.Repository.fromRepositoryName(s, 'Repo', 'orders'),
      '1.4.2',
      'imageTagOrDigest must be an image digest (sha256: and 64 lowercase hex digits) for TIER_1: a tag can name ' +
        'another image in another region or after a push, got: 1.4.2',
    ],
    [
      'a repository of another region',
      ServiceTier.TIER_3,
      (s) =>
        ecr.Repository.fromRepositoryAttributes(s, 'Repo', {
          repositoryName: 'orders',
          repositoryArn: 'arn:aws:ecr:us-west-2:111111111111:repository/orders',
        }),
      DIGEST,
      "repository must be in the service's region (us-east-1): tasks pulling from another region cannot start when " +
        'that region fails; pull from the replica (ImageRepository.replicaIn), got: a repository in us-west-2',
    ],
    [
      'a repository without a digest',
      ServiceTier.TIER_3,
      (s) => ecr.Repository.fromRepositoryName(s, 'Repo', 'orders'),
      undefined,
      'imageTagOrDigest must be given with repository (the digest the service deploys), got: none',
    ],
  ])('GIVEN a service with %s THEN it is refused', (_name, tier, repository, imageTagOrDigest, message) => {
    const s = stack();
    const network = new MultiAzNetwork(s, 'Network', {
      tier,
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    expectValidationError(
      () =>
        new ResilientService(s, 'Service', {
          tier,
          vpc: network.vpc,
          repository: repository(s),
          imageTagOrDigest,
          requiredCount: 2,
          maxCount: 4,
        }),
      message,
    );
  });
});

describe('the standby scale-up runbook: triggers and bad input', () => {
  test('GIVEN an alarm trigger THEN the alarm starts the scale-up runbook', () => {
    const stack = new Stack(testApp(), 'Alarmed', { env: { region: 'us-west-2' } });
    new FailoverRunbooks(stack, 'Runbooks', {
      tier: ServiceTier.TIER_1,
      standbyService: { clusterName: 'orders', serviceName: 'orders-app' },
      primaryTaskCount: { min: 9, desired: 9, max: 18 },
      failoverTrigger: FailoverTrigger.alarm(cloudwatch.Alarm.fromAlarmArn(stack, 'Page', PAGE)),
    });
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as Json;
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain('ScaleStandbyService');
  });

  test.each<[string, object, string]>([
    [
      'a standby service without its primary count',
      { standbyService: { clusterName: 'c', serviceName: 's' } },
      'standbyService and primaryTaskCount must be given together, got: only standbyService',
    ],
    [
      'a count whose desired exceeds its maximum',
      { standbyService: { clusterName: 'c', serviceName: 's' }, primaryTaskCount: { min: 3, desired: 9, max: 6 } },
      'primaryTaskCount must satisfy min ≤ desired ≤ max, got: 3, 9, 6',
    ],
  ])('GIVEN %s THEN an error names the prop', (_name, props, message) => {
    const stack = new Stack(testApp(), 'Bad', { env: { region: 'us-west-2' } });
    expectValidationError(
      () =>
        new FailoverRunbooks(stack, 'Runbooks', {
          tier: ServiceTier.TIER_1,
          failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)),
          ...props,
        }),
      message,
    );
  });
});
