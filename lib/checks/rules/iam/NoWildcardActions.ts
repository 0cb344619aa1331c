import { GraphResource } from '../../graph/model';
import { blocks, JsonObject, policyDocument, statements, str, strings } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const CFN_TYPES = [
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
];
const TF_TYPES = [
  'aws_iam_policy',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_group_policy',
  'aws_iam_role',
  'aws_iam_policy_document',
];
const GOOGLE_TYPES = ['google_project_iam_member', 'google_project_iam_binding'];
const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor'];

/** HA-IAM1: identity policies never allow every action (of a service or of all services). */
export const NoWildcardActions: HaRule = {
  id: 'HA-IAM1',
  level: 'error',
  category: 'security-hygiene',
  info: 'Identity policies do not Allow `*` or `<service>:*` actions (nor NotAction); Google projects grant no owner or editor role.',
  explanation:
    'A wildcard grant lets one compromised workload delete the replicas, backups and keys that recovery depends on; least privilege keeps a failure in one component from becoming a failure of all of them.',
  resourceTypes: [...CFN_TYPES, ...TF_TYPES, ...GOOGLE_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const aws = context.graph.ofType(...CFN_TYPES, ...TF_TYPES).flatMap((r) => {
      const documents = documentsOf(r);
      if (documents.length === 0) {
        return [];
      }
      const wild = documents.flatMap(statements).flatMap(wildcards);
      return [
        outcome(
          r,
          wild.length === 0
            ? undefined
            : `${r.address} allows ${[...new Set(wild)].join(', ')}: list the actions the workload calls`,
        ),
      ];
    });
    const google = context.graph.ofType(...GOOGLE_TYPES).map((r) => {
      const role = str(r.properties.role);
      return outcome(
        r,
        role && PRIMITIVE_ROLES.includes(role)
          ? `${r.address} grants ${role}: grant a predefined or custom role with the permissions needed`
          : undefined,
      );
    });
    return [...aws, ...google];
  },
};

function documentsOf(r: GraphResource): JsonObject[] {
  const p = r.properties;
  switch (r.type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [policyDocument(p.PolicyDocument)].filter(isDoc);
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return blocks(p.Policies)
        .map((policy) => policyDocument(policy.PolicyDocument))
        .filter(isDoc);
    case 'aws_iam_role':
      return blocks(p.inline_policy)
        .map((policy) => policyDocument(policy.policy))
        .filter(isDoc);
    case 'aws_iam_policy_document':
      return [p];
    default:
      return [policyDocument(p.policy)].filter(isDoc);
  }
}

function wildcards(statement: JsonObject): string[] {
  if ((str(statement.Effect ?? statement.effect) ?? 'Allow') !== 'Allow') {
    return [];
  }
  const notActions = strings(statement.NotAction ?? statement.not_actions);
  const actions = strings(statement.Action ?? statement.actions).filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
  return [...actions, ...notActions.map((a) => `NotAction ${a}`)];
}

function isDoc(value: JsonObject | undefined): value is JsonObject {
  return value !== undefined;
}
