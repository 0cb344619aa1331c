import { GraphResource } from '../graph/model';
import type { DerivationStep } from '../model';
import { str } from '../graph/values';

/** API Gateway methods, as CloudFormation and Terraform write them. */
const METHOD_TYPES = ['AWS::ApiGateway::Method', 'aws_api_gateway_method'];
const API_KEY_TYPES = ['AWS::ApiGateway::ApiKey', 'aws_api_gateway_api_key'];

/**
 * Clients whose credentials one region alone accepts cannot fail over with DNS: a SigV4 signature
 * names the region it was made for, and API Gateway generates each region's API keys unless the
 * template gives their value. For a service in several regions whose methods ask for either, the
 * region RTO of those clients is unknown: the region DNS sends them to refuses them (403).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
 */
export function regionScopedCredentialSteps(resources: readonly GraphResource[]): DerivationStep[] {
  const methods = resources.filter((r) => METHOD_TYPES.includes(r.type));
  const signed = methods.find((m) => str(m.properties.AuthorizationType ?? m.properties.authorization) === 'AWS_IAM');
  const generatedKeys = resources.filter(
    (r) => API_KEY_TYPES.includes(r.type) && r.properties.Value === undefined && r.properties.value === undefined,
  );
  const keyed =
    generatedKeys.length > 0
      ? methods.find((m) => (m.properties.ApiKeyRequired ?? m.properties.api_key_required) === true)
      : undefined;
  const method = signed ?? keyed;
  if (!method) {
    return [];
  }
  const why = [
    ...(signed ? ['SigV4 signatures name the region they were made for'] : []),
    ...(keyed ? [`API Gateway generated the API keys of each region (${generatedKeys[0].address} sets no value)`] : []),
  ].join(', and ');
  return [
    {
      quantity: 'regionRto',
      stack: method.stack,
      resource: method.address,
      basis:
        `clients of the service name carry credentials one region accepts: ${why}, so the region DNS ` +
        'sends them to refuses them (403) at failover: unknown for them until every region accepts the same ' +
        'credentials (one key value in every region, a region-agnostic authorizer)',
      figures: [],
    },
  ];
}
