import { App, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ApiGatewayToLambda } from '@aws-solutions-constructs/aws-apigateway-lambda';
import { CloudFrontToS3 } from '@aws-solutions-constructs/aws-cloudfront-s3';
import { FargateToOpenSearch } from '@aws-solutions-constructs/aws-fargate-opensearch';
import { LambdaToElasticSearchAndKibana } from '@aws-solutions-constructs/aws-lambda-elasticsearch-kibana';
import { SqsToLambda } from '@aws-solutions-constructs/aws-sqs-lambda';
import { WafwebaclToApiGateway } from '@aws-solutions-constructs/aws-wafwebacl-apigateway';
import { WafwebaclToCloudFront } from '@aws-solutions-constructs/aws-wafwebacl-cloudfront';
import { testApp } from '../../util';

/*
 * Apps built from construct libraries nobody here wrote, each the way its README shows: AWS
 * Solutions Constructs patterns from npm, and aws-cdk-lib's own ECS patterns. They are the designs a
 * typical team deploys as they come, with no HA record. Each builds one stack in a bare App.
 */

/** A Lambda handler inline: the READMEs point at an asset folder, whose content HA does not read. */
function handlerProps(): lambda.FunctionProps {
  return {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  };
}

/** One stack in a bare App, built by `build`. */
function single(id: string, build: (stack: Stack) => void): App {
  const app = testApp();
  build(new Stack(app, id));
  return app;
}

/** The corpus apps by input name; each builds one stack of the same name. */
export const CORPUS_APPS: Readonly<Record<string, () => App>> = {
  // @aws-solutions-constructs/aws-fargate-opensearch: a public Fargate service in a new VPC that writes to OpenSearch.
  'solutions-fargate-opensearch': () =>
    single('solutions-fargate-opensearch', (stack) => {
      new FargateToOpenSearch(stack, 'test-construct', {
        publicApi: true,
        ecrRepositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/your-ecr-repo',
        openSearchDomainName: 'testdomain',
        cognitoDomainName: 'globallyuniquedomain' + Aws.ACCOUNT_ID,
      });
    }),
  // @aws-solutions-constructs/aws-lambda-elasticsearch-kibana: a function writing to a search domain with Cognito.
  'solutions-lambda-opensearch': () =>
    single('solutions-lambda-opensearch', (stack) => {
      new LambdaToElasticSearchAndKibana(stack, 'sample', {
        lambdaFunctionProps: handlerProps(),
        domainName: 'testdomain',
        cognitoDomainName: 'globallyuniquedomain' + Aws.ACCOUNT_ID,
      });
    }),
  // @aws-solutions-constructs/aws-apigateway-lambda with aws-wafwebacl-apigateway in front, as the WAF README shows.
  'solutions-apigateway-lambda-waf': () =>
    single('solutions-apigateway-lambda-waf', (stack) => {
      const api = new ApiGatewayToLambda(stack, 'ApiGatewayToLambdaPattern', { lambdaFunctionProps: handlerProps() });
      new WafwebaclToApiGateway(stack, 'test-wafwebacl-apigateway', { existingApiGatewayInterface: api.apiGateway });
    }),
  // @aws-solutions-constructs/aws-cloudfront-s3 with aws-wafwebacl-cloudfront: a static site.
  'solutions-cloudfront-s3-waf': () =>
    single('solutions-cloudfront-s3-waf', (stack) => {
      const site = new CloudFrontToS3(stack, 'test-cloudfront-s3', {});
      new WafwebaclToCloudFront(stack, 'test-wafwebacl-cloudfront', {
        existingCloudFrontWebDistribution: site.cloudFrontWebDistribution,
      });
    }),
  // @aws-solutions-constructs/aws-sqs-lambda: a queue worker with a dead-letter queue.
  'solutions-sqs-lambda': () =>
    single('solutions-sqs-lambda', (stack) => {
      new SqsToLambda(stack, 'SqsToLambdaPattern', { lambdaFunctionProps: handlerProps() });
    }),
  // aws-cdk-lib/aws-ecs-patterns: the load-balanced Fargate service of the ECS guide, in a new two-zone VPC.
  'ecs-alb-fargate': () =>
    single('ecs-alb-fargate', (stack) => {
      const vpc = new ec2.Vpc(stack, 'MyVpc', { maxAzs: 2 });
      const cluster = new ecs.Cluster(stack, 'MyCluster', { vpc });
      new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'MyFargateService', {
        cluster,
        cpu: 512,
        memoryLimitMiB: 2048,
        taskImageOptions: { image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample') },
        publicLoadBalancer: true,
      });
    }),
  // aws-cdk-lib/aws-ecs-patterns: an EC2 service behind an ALB with a Route 53 name, on the cluster's default capacity.
  'ecs-route53-alb-ec2': () =>
    single('ecs-route53-alb-ec2', (stack) => {
      const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
      cluster.addCapacity('DefaultAutoScalingGroup', { instanceType: new ec2.InstanceType('t3.medium') });
      const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        zoneName: 'example.com',
      });
      new ecsPatterns.ApplicationLoadBalancedEc2Service(stack, 'Service', {
        cluster,
        memoryLimitMiB: 1024,
        desiredCount: 2,
        domainName: 'api.example.com',
        domainZone: zone,
        taskImageOptions: { image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample') },
      });
    }),
  // aws-cdk-lib/aws-ecs-patterns: a TCP service behind a Network Load Balancer, on the default VPC the pattern creates.
  'ecs-nlb-fargate': () =>
    single('ecs-nlb-fargate', (stack) => {
      new ecsPatterns.NetworkLoadBalancedFargateService(stack, 'NlbService', {
        cpu: 256,
        memoryLimitMiB: 512,
        desiredCount: 2,
        healthCheckGracePeriod: Duration.seconds(60),
        taskImageOptions: { image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample') },
      });
    }),
};
