import { Stack } from 'aws-cdk-lib';
import { TerraformStack, Testing } from 'cdktf';
import { validationError } from '../../lib/aws/private/errors';
import { HaValidationError, ServiceTier } from '../../lib/core';
import { requireInteger } from '../../lib/core/numbers';
import { validationError as tfValidationError } from '../../lib/tf/diagnostics';
import { testApp } from '../util';

describe('HaValidationError: one error for bad input on every engine', () => {
  test('core throws it naming the prop, and it is a RangeError', () => {
    let error: unknown;
    try {
      requireInteger('readers', 1.5, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({
      name: 'HaValidationError',
      prop: 'readers',
      message: 'readers must be an integer of at least 0, got: 1.5',
    });
    expect(() => ServiceTier.fromName('TIER_9')).toThrow(HaValidationError);
  });

  test("the CDK engine throws aws-cdk-lib's ValidationError, marked so that instanceof HaValidationError holds", () => {
    const error = validationError('readers must be an integer, got: 1.5', new Stack(testApp(), 'S'), 'readers');
    expect(error).toBeInstanceOf(HaValidationError);
    expect(HaValidationError.isHaValidationError(error)).toBe(true);
    expect(error.prop).toBe('readers');
    expect(error.name).toBe('ValidationError');
  });

  test('the Terraform engines throw it with the construct path', () => {
    const stack = new TerraformStack(Testing.app(), 'tf');
    const error = tfValidationError('readers must be an integer, got: 1.5', stack, 'readers');
    expect(error).toMatchObject({ prop: 'readers', path: 'tf' });
    expect(error).toBeInstanceOf(HaValidationError);
  });

  test('a plain error is not one', () => {
    expect(new Error('x')).not.toBeInstanceOf(HaValidationError);
    expect(HaValidationError.isHaValidationError(new RangeError('x'))).toBe(false);
    expect(HaValidationError.isHaValidationError(undefined)).toBe(false);
  });
});
