import { Acknowledgment, Stack, Validations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/**
 * Acknowledges validation findings (cdk-nag's) on `scope`, as `Validations.of(scope).acknowledge`
 * does, without recording a call stack for each: aws-cdk-lib captures one per acknowledgement
 * (under ts-node, through source maps), and the stack of an acknowledgement made inside this
 * library points into the library, not at the user's code. The construct path, which the
 * validation report shows, already says where the acknowledgement applies.
 */
export function acknowledgeFindings(scope: IConstruct, ...acknowledgements: Acknowledgment[]): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    Validations.of(scope).acknowledge(...acknowledgements);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for one wildcard resource. cdk-nag v3 names each
 * finding by the resource as it renders it (`{ Ref: X }` as `<X>`, `Fn::GetAtt` as `<X.Attr>`),
 * so the id is rendered the same way: the acknowledgement covers that resource and no other.
 */
export function acknowledgeWildcard(scope: Construct, resource: string, reason: string): void {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const token = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
    if (token.Ref) return `<${token.Ref}>`;
    if (token['Fn::GetAtt']) return `<${token['Fn::GetAtt'].join('.')}>`;
    if (token['Fn::Join']) return token['Fn::Join'][1].map(render).join(token['Fn::Join'][0]);
    return JSON.stringify(value);
  };
  acknowledgeFindings(scope, {
    id: `AwsSolutions-IAM5[Resource::${render(Stack.of(scope).resolve(resource))}]`,
    reason,
  });
}
