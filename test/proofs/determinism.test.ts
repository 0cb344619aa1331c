import { synthAwsExamples, synthTfExamples } from './examples';

/**
 * Determinism: synthesizing the same app twice writes the same bytes (no timestamps, random ids,
 * or maps whose order depends on insertion history), so a diff or a snapshot shows only real change.
 */
describe('GIVEN every example of both apps', () => {
  test('WHEN the AWS CDK examples are synthesized twice THEN every template is byte-identical', () => {
    const first = synthAwsExamples();
    const second = synthAwsExamples();
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const stack of Object.keys(first)) {
      expect({ stack, bytes: Buffer.from(second[stack]).equals(Buffer.from(first[stack])) }).toEqual({
        stack,
        bytes: true,
      });
    }
  });

  test('WHEN the Terraform examples are synthesized twice THEN every cdk.tf.json is byte-identical', () => {
    const first = synthTfExamples();
    const second = synthTfExamples();
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const stack of Object.keys(first)) {
      expect({ stack, bytes: Buffer.from(second[stack]).equals(Buffer.from(first[stack])) }).toEqual({
        stack,
        bytes: true,
      });
    }
  });
});
