import { Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

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
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${render(Stack.of(scope).resolve(resource))}]`, reason });
}
