import { Annotations, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { errorAnnotations, proofApp } from './harness';

describe('proof harness', () => {
  test('GIVEN a construct that adds an error annotation THEN errorAnnotations reports it with its path, and warnings are not errors', () => {
    const stack = new Stack(proofApp(), 'Proof');
    const construct = new Construct(stack, 'Faulty');
    Annotations.of(construct).addWarningV2('ha-constructs:Example.prop', 'only a warning');
    expect(errorAnnotations(stack)).toEqual([]);
    Annotations.of(construct).addError('prop must be set');
    expect(errorAnnotations(stack)).toEqual(['Proof/Faulty: prop must be set']);
  });
});
