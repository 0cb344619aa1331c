import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FleetContainerPlan, planFleetContainer } from '../../core/plans/fleet-container';

/** The path segments of an image reference that name where it is kept. */
const IMAGE_PARTS = ['registry', 'project', 'repository'] as const;

/** The container a `RegionalFleet`'s instances run (on Container-Optimized OS, started by cloud-init). */
export interface FleetContainer {
  /**
   * The image, pinned by digest: `europe-docker.pkg.dev/<project>/<repository>/<image>@sha256:...`.
   * It must answer the fleet's `port` on the host's network, with the autohealing check's path
   * (`healthCheckPath`, shallow: the process is alive) and the load balancer's (deep: it can serve).
   * A Terraform variable is fine; it must then name an Artifact Registry image (the fleet grants
   * read on its repository from the reference).
   */
  readonly image: string;
  /**
   * Environment variables the container gets (written to a root-only file on the instance:
   * configuration, not secrets, which the container reads from Secret Manager with its account).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Arguments after the image (the container's command), without whitespace or quotes.
   * @default - the image's own command
   */
  readonly args?: string[];
  /**
   * Whether the fleet grants its service account `roles/artifactregistry.reader` on the image's
   * repository. Turn it off when the repository's project is managed elsewhere and grants it there.
   * @default true for an Artifact Registry image
   */
  readonly grantPull?: boolean;
}

/**
 * Plans the container of a fleet and grants its account read access on the image's repository
 * (construct id `ImagePull`): parsed at synthesis from a literal, by Terraform functions from a token.
 */
export function renderFleetContainer(
  scope: Construct,
  container: FleetContainer,
  options: { region: string; sourceImage?: string; serviceAccountMember: string },
): { plan: FleetContainerPlan; pullGrant?: ArtifactRegistryRepositoryIamMember } {
  const known = !Token.isUnresolved(container.image);
  // An Artifact Registry image reads `<location>-docker.pkg.dev/<project>/<repository>/<image>`.
  const part = (name: (typeof IMAGE_PARTS)[number]) =>
    known
      ? container.image.split('/')[IMAGE_PARTS.indexOf(name)]
      : Fn.element(Fn.split('/', container.image), IMAGE_PARTS.indexOf(name));
  const registry = part('registry');
  const plan = planFleetContainer({
    image: container.image,
    imageKnown: known,
    registry,
    region: Token.isUnresolved(options.region) ? undefined : options.region,
    environment: container.environment,
    args: container.args,
    sourceImage: options.sourceImage,
  });
  const artifactRegistry = !known || registry.endsWith('-docker.pkg.dev');
  if (!(container.grantPull ?? true) || !artifactRegistry || plan.problems.length > 0) {
    return { plan };
  }
  const pullGrant = new ArtifactRegistryRepositoryIamMember(scope, 'ImagePull', {
    project: part('project'),
    location: known ? registry.replace(/-docker\.pkg\.dev$/, '') : Fn.trimsuffix(registry, '-docker.pkg.dev'),
    repository: part('repository'),
    role: 'roles/artifactregistry.reader',
    member: options.serviceAccountMember,
  });
  return { plan, pullGrant };
}
