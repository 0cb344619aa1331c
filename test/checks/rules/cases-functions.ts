import { FunctionProvisionedConcurrency } from '../../../lib/checks/rules/cap/FunctionProvisionedConcurrency';
import { HaRole, ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };

/** A function and its `live` alias, with `provisioned` warm environments on the alias (none when undefined). */
const functionCfn = (provisioned: number | undefined, options: { role?: HaRole } = {}) =>
  cfn(
    {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', ReservedConcurrentExecutions: 100 } },
      Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      Live: {
        Type: 'AWS::Lambda::Alias',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          FunctionVersion: { 'Fn::GetAtt': ['Version', 'Version'] },
          Name: 'live',
          ...(provisioned === undefined
            ? {}
            : { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: provisioned } }),
        },
      },
    },
    { ...T1, ...options, name: 'Orders' },
  );

/** The same in Terraform: the provisioned concurrency is its own resource, qualified by the alias. */
const functionTf = (provisioned: number | undefined) =>
  tf(
    {
      aws_lambda_function: { orders: { function_name: 'orders', runtime: 'nodejs22.x', publish: true } },
      aws_lambda_alias: {
        live: {
          name: 'live',
          function_name: '${aws_lambda_function.orders.function_name}',
          function_version: '${aws_lambda_function.orders.version}',
        },
      },
      ...(provisioned === undefined
        ? {}
        : {
            aws_lambda_provisioned_concurrency_config: {
              live: {
                function_name: '${aws_lambda_function.orders.function_name}',
                qualifier: '${aws_lambda_alias.live.name}',
                provisioned_concurrent_executions: provisioned,
              },
            },
          }),
    },
    { ...T1, name: 'orders' },
  );

export const FUNCTION_CASES: RuleCase[] = [
  {
    rule: FunctionProvisionedConcurrency,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Live',
    message: 'Live serves a TIER_1 function without provisioned concurrency',
    compliant: functionCfn(60),
    nonCompliant: functionCfn(undefined),
  },
  {
    rule: FunctionProvisionedConcurrency,
    engine: 'cloudformation',
    stack: 'Orders',
    resource: 'Live',
    message: 'set ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions on the alias',
    // A warm standby's alias is raised by the failover runbook: not judged.
    compliant: functionCfn(undefined, { role: HaRole.STANDBY }),
    nonCompliant: functionCfn(0),
  },
  {
    rule: FunctionProvisionedConcurrency,
    engine: 'terraform-aws',
    stack: 'orders',
    resource: 'aws_lambda_alias.live',
    message: 'add an aws_lambda_provisioned_concurrency_config whose qualifier is this alias',
    compliant: functionTf(60),
    nonCompliant: functionTf(undefined),
  },
];
