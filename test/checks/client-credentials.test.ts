import { GraphResource } from '../../lib/checks/graph/model';
import { regionScopedCredentialSteps } from '../../lib/checks/report/client-credentials';

const resource = (type: string, address: string, properties: Record<string, unknown>): GraphResource =>
  ({ type, address, stack: 'Api', properties }) as unknown as GraphResource;
const method = (properties: Record<string, unknown>) => resource('AWS::ApiGateway::Method', 'Get', properties);
const generatedKey = resource('AWS::ApiGateway::ApiKey', 'Key', {});
const givenKey = resource('AWS::ApiGateway::ApiKey', 'Key', { Value: '{{resolve:secretsmanager:keys}}' });

describe('regionScopedCredentialSteps', () => {
  test.each<[string, GraphResource[], string | undefined]>([
    ['SigV4-signed methods', [method({ AuthorizationType: 'AWS_IAM' })], 'SigV4 signatures name the region'],
    [
      'API keys API Gateway generated',
      [method({ AuthorizationType: 'NONE', ApiKeyRequired: true }), generatedKey],
      'API Gateway generated the API keys of each region (Key sets no value)',
    ],
    ['API keys of a given value', [method({ AuthorizationType: 'NONE', ApiKeyRequired: true }), givenKey], undefined],
    ['an authorizer every region runs', [method({ AuthorizationType: 'CUSTOM' })], undefined],
    [
      'Terraform methods signed with SigV4',
      [resource('aws_api_gateway_method', 'aws_api_gateway_method.get', { authorization: 'AWS_IAM' })],
      'SigV4 signatures name the region',
    ],
  ])('GIVEN %s THEN whether their clients region RTO is unknown', (_case, resources, unknownBecause) => {
    const steps = regionScopedCredentialSteps(resources);
    if (unknownBecause === undefined) {
      expect(steps).toEqual([]);
    } else {
      expect(steps).toEqual([expect.objectContaining({ basis: expect.stringContaining(unknownBecause) })]);
      expect(steps[0].value).toBeUndefined();
    }
  });
});
