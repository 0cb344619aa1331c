/** A policy resource as cdk-nag names it in a finding: `<X.Arn>` for a reference, joins joined. */
export function nagName(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const token = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (token.Ref) {
    return `<${token.Ref}>`;
  }
  if (token['Fn::GetAtt']) {
    return `<${token['Fn::GetAtt'].join('.')}>`;
  }
  return token['Fn::Join'] ? token['Fn::Join'][1].map(nagName).join(token['Fn::Join'][0]) : JSON.stringify(value);
}
