import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { block, blocks, isObject, str } from './values';

/** ECR repositories, both engines. */
export const REPOSITORY_TYPES = ['AWS::ECR::Repository', 'aws_ecr_repository'];
/** A registry's replication configuration (one per account and region), both engines. */
export const REPLICATION_TYPES = ['AWS::ECR::ReplicationConfiguration', 'aws_ecr_replication_configuration'];
const TASK_DEFINITION_TYPES = ['AWS::ECS::TaskDefinition', 'aws_ecs_task_definition'];

/** Where a container's image is pulled from, as far as the templates show it. */
export interface ContainerImageSource {
  /** The image as written, unknown parts shown as `…`. */
  readonly image: string;
  /** Whether it is pulled from a private ECR registry: false for other registries, undefined when unknown. */
  readonly ecr?: boolean;
  /** Region of the ECR registry it is pulled from, when known. */
  readonly region?: string;
  /** Name of the ECR repository, when known. */
  readonly repositoryName?: string;
  /** The repository, when the templates declare it and the image refers to it. */
  readonly repository?: GraphResource;
}

/** What stands for a part of a value the templates do not state. */
const UNKNOWN = '\uFFFD';
/** `<account>.dkr.ecr[-fips].<region>.<suffix>/<name>` with any part possibly unknown. */
const ECR_IMAGE = /(?:\d{12}|\uFFFD)\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+|\uFFFD)\.[^/]*\/([a-z0-9._/-]+|\uFFFD)/;

/** The images an ECS service's task definition runs, and where each is pulled from. */
export function imagesOfService(graph: ResourceGraph, service: GraphResource): ContainerImageSource[] {
  return graph
    .referencedBy(service, ...TASK_DEFINITION_TYPES)
    .flatMap((task) => containerImages(task).map((image) => sourceOf(graph, task, image)));
}

/** Regions the registry of `region` replicates a repository named `repositoryName` to. */
export function replicaRegionsOf(graph: ResourceGraph, region: string, repositoryName: string): string[] {
  const regions = graph
    .ofType(...REPLICATION_TYPES)
    .filter((configuration) => regionOf(graph, configuration) === region)
    .flatMap((configuration) => {
      const p = configuration.properties;
      const rules = blocks(block(p.ReplicationConfiguration ?? p.replication_configuration)?.Rules).concat(
        blocks(block(p.replication_configuration)?.rule),
      );
      return rules
        .filter((rule) => {
          const filters = blocks(rule.RepositoryFilters ?? rule.repository_filter);
          // No filter: every repository of the registry replicates.
          return (
            filters.length === 0 || filters.some((f) => repositoryName.startsWith(str(f.Filter ?? f.filter) ?? UNKNOWN))
          );
        })
        .flatMap((rule) => blocks(rule.Destinations ?? rule.destination).map((d) => str(d.Region ?? d.region)));
    });
  return [...new Set(regions.filter((r): r is string => r !== undefined))];
}

/** The declared repositories named `repositoryName`, with their regions. */
export function repositoriesNamed(graph: ResourceGraph, repositoryName: string): GraphResource[] {
  return graph.ofType(...REPOSITORY_TYPES).filter((r) => nameOf(r) === repositoryName);
}

/** The region of a resource: its own, or its stack's. */
export function regionOf(graph: ResourceGraph, resource: GraphResource): string | undefined {
  return resource.region ?? graph.stackOf(resource)?.region;
}

/** The `Image` values of a task definition's containers (Terraform: the JSON string's `image`s). */
function containerImages(task: GraphResource): unknown[] {
  const p = task.properties;
  if (p.ContainerDefinitions !== undefined) {
    return blocks(p.ContainerDefinitions).map((c) => c.Image);
  }
  const definitions = p.container_definitions;
  if (typeof definitions !== 'string') {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(definitions);
    return blocks(parsed).map((c) => c.image);
  } catch {
    // Built with functions Terraform evaluates at plan time: only the image strings can be read.
    return [...definitions.matchAll(/"image"\s*:\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  }
}

function sourceOf(graph: ResourceGraph, task: GraphResource, value: unknown): ContainerImageSource {
  const image = flatten(value);
  const match = ECR_IMAGE.exec(image);
  // A repository of another stack comes through an export the image cannot name: the task's only one is it.
  const all = graph.referencedBy(task, ...REPOSITORY_TYPES);
  const unstated = image.split('/')[0].includes(UNKNOWN) && (!match || match[1] === UNKNOWN);
  const repository =
    referencedRepositories(graph, task, value)[0] ?? (unstated && all.length === 1 ? all[0] : undefined);
  const shownImage = image.split(UNKNOWN).join('…');
  if (repository) {
    return {
      image: shownImage,
      ecr: true,
      region: regionOf(graph, repository),
      repositoryName: nameOf(repository),
      repository,
    };
  }
  if (!match) {
    // A registry host the templates state and that is not ECR's (or a Docker Hub name) is elsewhere.
    return { image: shownImage, ecr: image.split('/')[0].includes(UNKNOWN) ? undefined : false };
  }
  const known = (part: string) => (part === UNKNOWN ? undefined : part);
  const name = known(match[2])?.replace(/[:@].*$/, '');
  return { image: shownImage, ecr: true, region: known(match[1]), repositoryName: name };
}

/** A value as text, the parts the templates do not state as {@link UNKNOWN}. */
function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{[^}]*\}/g, UNKNOWN);
  }
  if (isObject(value) && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'] as [unknown, unknown];
    return Array.isArray(parts) ? parts.map(flatten).join(typeof separator === 'string' ? separator : '') : UNKNOWN;
  }
  return UNKNOWN;
}

/** Repositories a value refers to: `Ref`/`Fn::GetAtt` (CloudFormation), `${aws_ecr_repository.x...}` (Terraform). */
function referencedRepositories(graph: ResourceGraph, task: GraphResource, value: unknown): GraphResource[] {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\{aws_ecr_repository\.([A-Za-z0-9_-]+)\./g))
        names.add(`aws_ecr_repository.${m[1]}`);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (isObject(v)) {
      if (typeof v.Ref === 'string') names.add(v.Ref);
      const getAtt = v['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') names.add(getAtt[0]);
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return graph.referencedBy(task, ...REPOSITORY_TYPES).filter((repository) => names.has(repository.address));
}

function nameOf(repository: GraphResource): string | undefined {
  return str(repository.properties.RepositoryName ?? repository.properties.name);
}
