import { Aspects, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { HA_ACKNOWLEDGED_KEY } from '../core';
import { validationError } from './private/errors';

/**
 * Accepts the findings of HA rule `rule` on `scope` and everything below it, with the reason the
 * design accepts them.
 *
 * Two audiences read it: the `HaChecks` validation plugin at `cdk synth` (through
 * `Validations.of(scope).acknowledge`), and anyone who checks the cloud assembly later, such as
 * `ha-report cdk.out` in CI, which cannot see the construct tree: the reason is written into each
 * resource's `Metadata` below `scope` (the template's `Metadata` when `scope` is a stack) under
 * `HA_ACKNOWLEDGED_KEY`. The reason is required and specific: it is what a reviewer reads instead
 * of the finding.
 */
export function acknowledgeHaFinding(scope: IConstruct, rule: string, reason: string): void {
  if (!/^HA-[A-Z]+\d+$/.test(rule)) {
    throw validationError(`rule must be an HA rule id (HA-<AREA><n>), got: ${rule}`, scope);
  }
  if (reason.trim().length < 20) {
    throw validationError(`reason must say why ${rule} is accepted (at least 20 characters), got: '${reason}'`, scope);
  }
  Validations.of(scope).acknowledge({ id: rule, reason });
  if (Stack.isStack(scope)) {
    const metadata = (scope.templateOptions.metadata ??= {});
    metadata[HA_ACKNOWLEDGED_KEY] = { ...metadata[HA_ACKNOWLEDGED_KEY], [rule]: reason };
    return;
  }
  // An aspect, so resources added below the scope after this call carry the acknowledgement too.
  Aspects.of(scope).add({
    visit(node) {
      if (CfnResource.isCfnResource(node)) {
        node.addMetadata(HA_ACKNOWLEDGED_KEY, { ...node.getMetadata(HA_ACKNOWLEDGED_KEY), [rule]: reason });
      }
    },
  });
}
