import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

const PROJECT_ID = 'HaConstructsProject';

/** The provider's project, read once per stack (its number names the Google service agents). */
export function projectOf(scope: IConstruct): DataGoogleProject {
  const stack = TerraformStack.of(scope);
  return (
    (stack.node.tryFindChild(PROJECT_ID) as DataGoogleProject | undefined) ??
    new DataGoogleProject(stack, PROJECT_ID, {})
  );
}

/**
 * IAM member of a Google-managed service agent of the provider's project
 * (`service-PROJECT_NUMBER@<domain>`), e.g. `gcp-sa-cloud-sql.iam.gserviceaccount.com`.
 * @see https://cloud.google.com/iam/docs/service-agents
 */
export function serviceAgentMember(scope: IConstruct, domain: string): string {
  return `serviceAccount:service-${projectOf(scope).number}@${domain}`;
}
