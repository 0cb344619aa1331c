import { DataGoogleLoggingProjectCmekSettings } from '@cdktf/provider-google/lib/data-google-logging-project-cmek-settings';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import {
  DefaultTokenResolver,
  Fn,
  IResolveContext,
  ITerraformDependable,
  StringConcat,
  TerraformDataSource,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { GOOGLE_IAM_PROPAGATION_SECONDS } from '../../core/figures';
import { requireInteger } from '../../core/numbers';
import { validationError } from '../diagnostics';
import { GoogleApi, GoogleServiceAgent, googleApiOfType, isIamGrantType, ServiceAgentCreation } from './apis';
import { GoogleBetaProvider, ProjectServiceIdentity } from './private/google-beta';
import { TimeProvider, TimeSleep } from './private/time';
import { projectOf, serviceAgentMember } from './private/project';

/** Props of {@link ProjectServices}. */
export interface ProjectServicesProps {
  /**
   * Enable the APIs the constructs use, with `google_project_service` (never disabled on destroy),
   * and make every resource depend on its API. False when the project's APIs are managed elsewhere
   * (a project factory): nothing is enabled here and no resource waits for an API.
   * @default true
   */
  readonly enableApis?: boolean;
  /**
   * Create the service agents the constructs grant keys to before the grants
   * (`google_project_service_identity`), and grant each the role Google grants an agent it creates
   * itself (an agent created on request gets none). False when the agents exist already and their
   * roles are managed elsewhere.
   * @default true
   */
  readonly createServiceAgents?: boolean;
  /**
   * The google-beta provider that creates the service agents (`google_project_service_identity`
   * exists only in google-beta).
   * @default - the stack's default google-beta provider if it has one, else a new one with the
   * project, credentials, access token, impersonated service account and billing project of the
   * stack's default google provider, at the same release
   */
  readonly betaProvider?: TerraformProvider;
  /**
   * Seconds a resource waits after the grants it depends on before it is created (a `time_sleep` of
   * the hashicorp/time provider per set of grants, run again when a grant changes): a grant is eventually
   * consistent, so a service agent encrypting with a key just granted to it, or an account used
   * just after its roles were granted, can be refused. 0: no wait.
   * @default GOOGLE_IAM_PROPAGATION_SECONDS.POTENTIAL (420: Google's IAM documentation says typically
   * 2 minutes, potentially 7 minutes or longer)
   */
  readonly grantPropagationSeconds?: number;
}

/** A service agent to grant something to: its IAM member, and what a grant must wait for. */
export interface ServiceAgentGrantee {
  /** `serviceAccount:service-PROJECT_NUMBER@<domain>`. */
  readonly member: string;
  /** Its enabled API, its creation and its role grant: a grant to the agent depends on all of them. */
  readonly dependables: ITerraformDependable[];
}

/** The google provider release the beta provider follows when the stack's google provider does not say. */
const DEFAULT_PROVIDER_VERSION = '6.50.0';

/**
 * What a fresh Google Cloud project needs before this library's constructs can apply in one run:
 * the APIs they use, enabled, and the service agents they grant keys to, created.
 *
 * Each construct hands its resources to {@link use}, which enables the API of each resource's type
 * (from the one table, `GOOGLE_API_OF_TYPE`) and makes the resource depend on it; grants to a
 * service agent depend on {@link serviceAgent}'s creation of it. An API is enabled with
 * `disable_on_destroy = false`: `terraform destroy` of this stack never switches off an API that
 * other stacks of the project use. The agents follow `GOOGLE_SERVICE_AGENTS`: created with
 * `google_project_service_identity` (Cloud SQL, Secret Manager, Pub/Sub, Cloud Monitoring's
 * notifications), by reading `google_storage_project_service_account` (Cloud Storage) or
 * `google_logging_project_cmek_settings` (Cloud Logging), or by enabling the API (Compute Engine).
 *
 * Grants are eventually consistent (typically 2 minutes, potentially 7 or longer: Google's IAM
 * documentation): {@link use} makes each resource that depends on a grant depend also on a wait
 * of `grantPropagationSeconds` after it (a `time_sleep` per set of grants), so
 * that a service agent is not refused the key it was just granted. A grant must not itself depend on
 * a resource that waits (grants are made on keys, accounts and topics, not on what is encrypted).
 *
 * Terraform's own calls (Service Usage, Resource Manager) need those two APIs in the project that
 * its credentials' quota is counted in, before the first plan: that one step stays outside.
 *
 * One per stack: the constructs use the one given in their `projectServices` prop, else the stack's,
 * created with default props on first use. Construct ids (public API): `Api-<api>` (e.g.
 * `Api-compute`), `Agent-<api>`, `AgentRole-<api>`, `GoogleBeta`, `Time`, `GrantPropagation-<construct path>`.
 * @see https://cloud.google.com/service-usage/docs/enable-disable
 * @see https://cloud.google.com/iam/docs/create-service-agents
 * @see https://cloud.google.com/iam/docs/access-change-propagation
 */
export class ProjectServices extends Construct {
  /** Id of the instance a construct creates in its stack when it is given none. */
  public static readonly DEFAULT_ID = 'ProjectServices';

  /** The instance `given`, else the stack's (the first one among its children), else a new one in the stack. */
  public static of(scope: IConstruct, given?: ProjectServices): ProjectServices {
    if (given) {
      return given;
    }
    const stack = TerraformStack.of(scope);
    const existing = stack.node.children.find((child): child is ProjectServices => child instanceof ProjectServices);
    return existing ?? new ProjectServices(stack, ProjectServices.DEFAULT_ID);
  }

  private readonly enableApis: boolean;
  private readonly createServiceAgents: boolean;
  private betaProvider?: TerraformProvider;
  private timeProvider?: TerraformProvider;
  private readonly grantPropagationSeconds: number;
  private readonly apis = new Map<GoogleApi, ProjectService>();
  private readonly agents = new Map<string, ServiceAgentGrantee>();

  constructor(scope: Construct, id: string, props: ProjectServicesProps = {}) {
    super(scope, id);
    this.enableApis = props.enableApis ?? true;
    this.createServiceAgents = props.createServiceAgents ?? true;
    this.betaProvider = props.betaProvider;
    this.grantPropagationSeconds = props.grantPropagationSeconds ?? GOOGLE_IAM_PROPAGATION_SECONDS.POTENTIAL;
    requireInteger('grantPropagationSeconds', this.grantPropagationSeconds, 0);
  }

  /** The APIs enabled so far, sorted. */
  public get enabledApis(): GoogleApi[] {
    return [...this.apis.keys()].sort();
  }

  /**
   * Enables `api` once (construct id `Api-<api>`); returns what a resource of the API depends on
   * (nothing when `enableApis` is false).
   */
  public enable(api: GoogleApi): ITerraformDependable[] {
    if (!this.enableApis) {
      return [];
    }
    let service = this.apis.get(api);
    if (!service) {
      service = new ProjectService(this, `Api-${shortName(api)}`, {
        service: api,
        // Other stacks of the project may use the API: destroying this one must not switch it off.
        disableOnDestroy: false,
        disableDependentServices: false,
      });
      this.apis.set(api, service);
    }
    return [service];
  }

  /**
   * Enables the API of every Google resource below `scope` (by its Terraform type) and makes the
   * resource depend on it. Throws for a Google type the table `GOOGLE_API_OF_TYPE` does not know.
   */
  public use(scope: IConstruct): void {
    for (const element of scope.node.findAll()) {
      const own = element.node.scopes.some((s) => s instanceof ProjectServices);
      if (!TerraformResource.isTerraformResource(element) || own) {
        continue;
      }
      const type = element.terraformResourceType;
      if (!type.startsWith('google_')) {
        continue;
      }
      const api = googleApiOfType(type);
      if (api === undefined) {
        throw validationError(
          'resource type must be one whose API GOOGLE_API_OF_TYPE names (so that a fresh project ' +
            `enables it), got: ${type} at ${element.node.path}`,
          scope,
          'type',
        );
      }
      addDependsOn(element, this.enable(api));
    }
    this.waitForGrants(scope);
  }

  /**
   * Puts a wait between the grants that resources below `scope` depend on and those resources: a
   * `time_sleep` (construct id `GrantPropagation-<path of scope>`, then `-2`, `-3`...) after the
   * grants, its triggers their ids, so that it runs again when a grant is replaced. One wait per
   * construct where it can (every wait holds one of Terraform's parallel operations while it sleeps),
   * more where one would be a cycle: a wait after a topic's publisher grant must not hold back the
   * topic the grant is made on. Each user keeps its grants in `depends_on`.
   */
  private waitForGrants(scope: IConstruct): void {
    if (this.grantPropagationSeconds === 0) {
      return;
    }
    const grants = new Map<string, TerraformResource>();
    for (const c of TerraformStack.of(scope).node.findAll()) {
      if (TerraformResource.isTerraformResource(c) && isIamGrantType(c.terraformResourceType)) {
        grants.set(addressIn(c, c.fqn), c);
      }
    }
    const users = scope.node
      .findAll()
      .filter(
        (c): c is TerraformResource =>
          TerraformResource.isTerraformResource(c) &&
          !isIamGrantType(c.terraformResourceType) &&
          !c.node.scopes.some((s) => s instanceof ProjectServices) &&
          (c.dependsOn ?? []).length > 0,
      );
    // The users of each set of grants, in construct order.
    const sets = new Map<string, { grants: TerraformResource[]; users: TerraformResource[] }>();
    for (const user of users) {
      const granted = [
        ...new Set((user.dependsOn ?? []).map((d) => addressIn(user, d)).filter((a) => grants.has(a))),
      ].sort();
      if (granted.length > 0) {
        const key = granted.join(' ');
        const set = sets.get(key) ?? { grants: granted.map((a) => grants.get(a)!), users: [] };
        set.users.push(user);
        sets.set(key, set);
      }
    }
    // One wait for as many sets as can share it: a set joins unless a grant of the group is made on a
    // user of the group (a topic's publisher grant on the topic that waits for its key grant).
    const groups: { grants: TerraformResource[]; users: TerraformResource[] }[] = [];
    for (const set of sets.values()) {
      const group = groups[groups.length - 1];
      const merged = group && {
        grants: [...new Set([...group.grants, ...set.grants])],
        users: [...group.users, ...set.users],
      };
      if (merged && !merged.grants.some((g) => merged.users.some((u) => grantMadeOn(g, u)))) {
        groups[groups.length - 1] = merged;
      } else {
        groups.push({ grants: [...set.grants], users: [...set.users] });
      }
    }
    // The project's, like the APIs (no service's HA record): named after the construct it serves.
    const stack = TerraformStack.of(scope);
    const path = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
    const base = `GrantPropagation-${path.join('-')}`;
    for (const group of groups) {
      let id = base;
      for (let n = 2; this.node.tryFindChild(id); n++) {
        id = `${base}-${n}`;
      }
      const wait = new TimeSleep(this, id, {
        createSeconds: this.grantPropagationSeconds,
        triggers: {
          grants: Fn.join(
            ',',
            group.grants.map((g) => g.getStringAttribute('id')),
          ),
        },
        provider: this.timeProviderOf(),
        dependsOn: group.grants,
      });
      for (const user of group.users) {
        addDependsOn(user, [wait]);
      }
    }
  }

  private timeProviderOf(): TerraformProvider {
    if (!this.timeProvider) {
      const stack = TerraformStack.of(this);
      this.timeProvider =
        stack.node
          .findAll()
          .find(
            (c): c is TerraformProvider =>
              TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'time' && c.alias === undefined,
          ) ?? new TimeProvider(this, 'Time');
    }
    return this.timeProvider;
  }

  /**
   * The service agent, created once before anything is granted to it (construct ids `Agent-<api>`
   * and, for an agent with a role, `AgentRole-<api>`).
   */
  public serviceAgent(agent: GoogleServiceAgent): ServiceAgentGrantee {
    const known = this.agents.get(agent.domain);
    if (known) {
      return known;
    }
    const api = this.enable(agent.api);
    const name = shortName(agent.api);
    let grantee: ServiceAgentGrantee;
    if (agent.creation === ServiceAgentCreation.STORAGE_DATA_SOURCE) {
      // Reading it creates the agent: read after the API is on, at apply on a fresh project.
      const data = new DataGoogleStorageProjectServiceAccount(this, `Agent-${name}`, { dependsOn: api });
      grantee = { member: data.member, dependables: [...api, data] };
    } else if (agent.creation === ServiceAgentCreation.LOGGING_SETTINGS_DATA_SOURCE) {
      // Reading the settings creates the agent: read after the API is on, at apply on a fresh project.
      const data = new DataGoogleLoggingProjectCmekSettings(this, `Agent-${name}`, {
        project: projectOf(this).projectId,
        dependsOn: api,
      });
      grantee = { member: `serviceAccount:${data.serviceAccountId}`, dependables: [...api, data] };
    } else if (agent.creation === ServiceAgentCreation.SERVICE_IDENTITY && this.createServiceAgents) {
      const member = serviceAgentMember(this, agent.domain);
      const identity = new ProjectServiceIdentity(this, `Agent-${name}`, {
        project: projectOf(this).projectId,
        service: agent.api,
        provider: this.betaProviderOf(),
        dependsOn: api,
      });
      const dependables: ITerraformDependable[] = [...api, identity];
      if (agent.role) {
        const role = new ProjectIamMember(this, `AgentRole-${name}`, {
          project: projectOf(this).projectId,
          role: agent.role,
          member,
          dependsOn: [...api, identity, ...this.enable('cloudresourcemanager.googleapis.com')],
        });
        dependables.push(role);
      }
      grantee = { member, dependables };
    } else {
      // Created by enabling the API, or (createServiceAgents false) managed elsewhere.
      grantee = { member: serviceAgentMember(this, agent.domain), dependables: api };
    }
    this.agents.set(agent.domain, grantee);
    return grantee;
  }

  private betaProviderOf(): TerraformProvider {
    if (this.betaProvider) {
      return this.betaProvider;
    }
    const stack = TerraformStack.of(this);
    const providers = stack.node
      .findAll()
      .filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c) && c.alias === undefined);
    const existing = providers.find((p) => p.terraformResourceType === 'google-beta');
    if (existing) {
      this.betaProvider = existing;
      return existing;
    }
    const google = providers.find((p): p is GoogleProvider => p instanceof GoogleProvider);
    this.betaProvider = new GoogleBetaProvider(
      this,
      'GoogleBeta',
      {
        project: google?.project,
        credentials: google?.credentials,
        accessToken: google?.accessToken,
        impersonateServiceAccount: google?.impersonateServiceAccount,
        billingProject: google?.billingProject,
        userProjectOverride: google?.userProjectOverride as boolean | undefined,
      },
      google?.terraformGeneratorMetadata?.providerVersion ?? DEFAULT_PROVIDER_VERSION,
    );
    return this.betaProvider;
  }
}

/** `compute` for `compute.googleapis.com`. */
function shortName(api: GoogleApi): string {
  return api.split('.')[0];
}

/** Whether `grant` is made on `user` (names it, or depends on it): it cannot share a wait with the user. */
function grantMadeOn(grant: TerraformResource, user: TerraformResource): boolean {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const config = JSON.stringify(Tokenization.resolve(grant.toTerraform(), { scope: grant, resolver }));
  const address = addressIn(user, user.fqn);
  return config.includes(`${address}.`) || config.includes(`"${address}"`);
}

/** The bare address (`google_kms_crypto_key_iam_member.x`) a `depends_on` entry of `element` names. */
function addressIn(element: TerraformResource | TerraformDataSource, entry: string): string {
  const resolver = new DefaultTokenResolver(new StringConcat());
  return String(Tokenization.resolve(entry, { scope: element, resolver })).replace(/^\$\{(.*)\}$/, '$1');
}

/** Adds dependencies to a resource or data source, each once. */
export function addDependsOn(
  element: TerraformResource | TerraformDataSource,
  dependables: readonly ITerraformDependable[],
): void {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const address = (entry: string) =>
    String(Tokenization.resolve(entry, { scope: element, resolver })).replace(/^\$\{(.*)\}$/, '$1');
  const known = new Set((element.dependsOn ?? []).map(address));
  const added = dependables.filter((d, i) => !known.has(address(d.fqn)) && dependables.indexOf(d) === i);
  if (added.length > 0) {
    element.dependsOn = [...(element.dependsOn ?? []), ...added.map(dependencyOf)];
  }
}

/** The bare address `depends_on` takes (`google_project_service.x`): a reference without `${}`, as cdktf writes it. */
const dependencies = new WeakMap<ITerraformDependable, string>();
function dependencyOf(dependable: ITerraformDependable): string {
  let token = dependencies.get(dependable);
  if (token === undefined) {
    token = Token.asString({
      creationStack: [],
      resolve: (context: IResolveContext) => {
        context.suppressBraces = true;
        return dependable.fqn;
      },
      toString: () => dependable.fqn,
    });
    dependencies.set(dependable, token);
  }
  return token;
}
