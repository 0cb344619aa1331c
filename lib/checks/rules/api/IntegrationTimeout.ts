import { ResourceGraph } from '../../graph/graph';
import { GraphResource } from '../../graph/model';
import { block, isUnresolved, num, shown } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { inWords } from '../support';

const METHOD_TYPES = ['AWS::ApiGateway::Method', 'aws_api_gateway_integration'];
const FUNCTION_TYPES = ['AWS::Lambda::Function', 'aws_lambda_function'];
const ALIAS_TYPES = ['AWS::Lambda::Alias', 'aws_lambda_alias'];
/**
 * Lambda's default timeout (3 s) and a REST API integration's (29 s).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const INTEGRATION_DEFAULT_TIMEOUT_MS = 29_000;

/**
 * HA-API1: an API Gateway integration waits at least as long as the Lambda function behind it may run.
 */
export const IntegrationTimeout: HaRule = {
  id: 'HA-API1',
  level: 'error',
  category: 'availability',
  info:
    "A REST API method that invokes a Lambda function (directly or through an alias) waits at least the function's " +
    'timeout: the integration timeout (`TimeoutInMillis`, `timeout_milliseconds`; 29 s by default) is at least the ' +
    "function's `Timeout` (3 s by default) in milliseconds.",
  explanation:
    'When the integration gives up first, API Gateway answers 504 while the function still runs: the client retries ' +
    'and the work runs twice, and under load every slow request holds an execution the retries need too, which turns ' +
    "a slowdown into an overload. Timeouts shrink down the call chain: the caller's per-try timeout, then the " +
    "integration's, then the function's (`planRegionalApi` in lib/core derives them from the caller's policy).",
  resourceTypes: [...METHOD_TYPES, ...FUNCTION_TYPES, ...ALIAS_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...METHOD_TYPES).flatMap((method) => {
      const integration =
        method.type === 'AWS::ApiGateway::Method' ? (block(method.properties.Integration) ?? {}) : method.properties;
      const fn = invokedFunction(graph, method);
      if (!fn) {
        return [];
      }
      const waits = integration.TimeoutInMillis ?? integration.timeout_milliseconds;
      const runs = fn.properties.Timeout ?? fn.properties.timeout;
      if (isUnresolved(waits) || isUnresolved(runs)) {
        return [
          undecided(
            method,
            `${method.address}'s integration timeout (${shown(waits)}) or ${fn.address}'s timeout (${shown(runs)}) ` +
              'is not known to the template; give literal values',
          ),
        ];
      }
      const waitsMs = num(waits) ?? INTEGRATION_DEFAULT_TIMEOUT_MS;
      const runsMs = (num(runs) ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS) * 1000;
      return [
        outcome(
          method,
          waitsMs >= runsMs
            ? undefined
            : `${method.address} waits ${waitsMs} ms for ${fn.address}, which may run ${runsMs} ms: API Gateway ` +
                `answers 504 while the function still runs, and the client's retry runs it twice; ${inWords(method, {
                  cdk: "shorten the function's timeout below the integration's (RegionalApi refuses the reverse)",
                  cloudFormation:
                    "shorten the function's Timeout, or raise Integration.TimeoutInMillis up to the caller's",
                  terraform: "shorten the function's timeout, or raise timeout_milliseconds up to the caller's",
                })}`,
        ),
      ];
    });
  },
};

/** The function a method's integration invokes: referenced directly, or through an alias. */
function invokedFunction(graph: ResourceGraph, method: GraphResource): GraphResource | undefined {
  const direct = graph.referencedBy(method, ...FUNCTION_TYPES);
  if (direct.length > 0) {
    return direct[0];
  }
  for (const alias of graph.referencedBy(method, ...ALIAS_TYPES)) {
    const [fn] = graph.referencedBy(alias, ...FUNCTION_TYPES);
    if (fn) {
      return fn;
    }
  }
  return undefined;
}
