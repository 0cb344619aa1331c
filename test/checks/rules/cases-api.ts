import { IntegrationTimeout } from '../../../lib/checks/rules/api/IntegrationTimeout';
import { ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0, name: 'Api' };

/** A REST API method invoking a function's alias that waits `waitsMs` (API Gateway's 29 s when undefined). */
const apiCfn = (functionSeconds: number, waitsMs?: number) =>
  cfn(
    {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Timeout: functionSeconds } },
      Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      Live: {
        Type: 'AWS::Lambda::Alias',
        Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': ['Version', 'Version'] } },
      },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'orders' } },
      Get: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          HttpMethod: 'GET',
          Integration: {
            Type: 'AWS_PROXY',
            IntegrationHttpMethod: 'POST',
            Uri: {
              'Fn::Join': [
                '',
                ['arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/', { Ref: 'Live' }, '/invocations'],
              ],
            },
            ...(waitsMs === undefined ? {} : { TimeoutInMillis: waitsMs }),
          },
        },
      },
    },
    T0,
  );

/** The same in Terraform: the integration invokes the function's invoke ARN. */
const apiTf = (functionSeconds: number, waitsMs: number) =>
  tf(
    {
      aws_lambda_function: { orders: { function_name: 'orders', runtime: 'nodejs22.x', timeout: functionSeconds } },
      aws_api_gateway_rest_api: { orders: { name: 'orders' } },
      aws_api_gateway_integration: {
        get: {
          rest_api_id: '${aws_api_gateway_rest_api.orders.id}',
          type: 'AWS_PROXY',
          integration_http_method: 'POST',
          uri: '${aws_lambda_function.orders.invoke_arn}',
          timeout_milliseconds: waitsMs,
        },
      },
    },
    { tier: ServiceTier.TIER_0, name: 'api' },
  );

export const API_CASES: RuleCase[] = [
  {
    rule: IntegrationTimeout,
    engine: 'cloudformation',
    stack: 'Api',
    resource: 'Get',
    message: 'Get waits 3000 ms for Fn, which may run 5000 ms',
    compliant: apiCfn(3, 3000),
    nonCompliant: apiCfn(5, 3000),
  },
  {
    rule: IntegrationTimeout,
    engine: 'cloudformation',
    stack: 'Api',
    resource: 'Get',
    message: 'waits 29000 ms for Fn, which may run 60000 ms',
    // API Gateway's default 29 s against a function of 60 s.
    compliant: apiCfn(29),
    nonCompliant: apiCfn(60),
  },
  {
    rule: IntegrationTimeout,
    engine: 'terraform-aws',
    stack: 'api',
    resource: 'aws_api_gateway_integration.get',
    message: 'raise timeout_milliseconds',
    compliant: apiTf(2, 2500),
    nonCompliant: apiTf(10, 2500),
  },
];
