import { imagesOfService, regionOf, replicaRegionsOf, repositoriesNamed } from '../../graph/images';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];

/** HA-DR5: every region of a multi-region service pulls its container images from its own region. */
export const ImagesInRegion: HaRule = {
  id: 'HA-DR5',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: "ECS services of ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services (serving and standby regions) pull each private ECR image from their own region's registry: a repository declared there, or one that a replication configuration of another region copies there (a PREFIX_MATCH filter of its name, or no filter).",
  explanation:
    'A task starts only if its image can be pulled. A standby that pulls from the primary region cannot start tasks when that region fails, which is when it has to scale up; a serving region that does cannot replace a task lost with a zone. ECR replicates images between regions only when the registry is configured to, and only the images pushed after that (older ones need a replication backfill).',
  resourceTypes: [
    ...TYPES,
    'AWS::ECS::TaskDefinition',
    'aws_ecs_task_definition',
    'AWS::ECR::Repository',
    'aws_ecr_repository',
    'AWS::ECR::ReplicationConfiguration',
    'aws_ecr_replication_configuration',
  ],
  evaluate(context: RuleContext): Evaluation[] {
    const graph = context.graph;
    return graph.ofType(...TYPES).flatMap((service) => {
      const tier = tierOf(context, service);
      const region = regionOf(graph, service);
      if (!tier || !tier.isMultiRegion) {
        return [];
      }
      const role = context.services.recordOf(service)?.role ?? 'primary';
      const images = imagesOfService(graph, service).filter((image) => image.ecr !== false);
      if (images.length === 0) {
        return [];
      }
      if (region === undefined) {
        return [
          undecided(
            service,
            `the region of ${service.address} is not stated: give the stack an environment (env: { region })`,
          ),
        ];
      }
      const problems: string[] = [];
      const unknowns: string[] = [];
      for (const image of images) {
        const name = image.repositoryName;
        if (image.ecr === undefined || image.region === undefined) {
          unknowns.push(`the registry of ${image.image} is not stated in the template`);
          continue;
        }
        const copied = name !== undefined && copiedInto(graph, region, name);
        if (image.region !== region) {
          problems.push(
            `pulls ${image.image} from ECR in ${image.region}: when ${image.region} fails, no task starts in ${region}; ` +
              (copied
                ? `pull the replica in ${region} instead`
                : `replicate ${name ?? 'the repository'} to ${region} (ImageRepository replicaRegistries) and pull the replica there`),
          );
          continue;
        }
        if (image.repository || name === undefined || copied) {
          continue;
        }
        const homes = repositoriesNamed(graph, name)
          .map((r) => regionOf(graph, r))
          .filter((r): r is string => r !== undefined);
        if (homes.includes(region)) {
          continue;
        }
        if (homes.length > 0) {
          problems.push(
            `pulls ${name} in ${region}, but the repository lives in ${[...new Set(homes)].join(', ')} and no replication configuration there copies it to ${region}`,
          );
        } else {
          unknowns.push(
            `the templates show neither the repository ${name} in ${region} nor a replication rule that copies it there`,
          );
        }
      }
      if (problems.length > 0) {
        return [outcome(service, `${service.address} (${role} of ${tier.name}, in ${region}) ${problems.join('; ')}`)];
      }
      return [
        unknowns.length > 0
          ? undecided(service, `${service.address}: ${unknowns.join('; ')}`)
          : outcome(service, undefined),
      ];
    });
  },
};

/** Whether a registry of another region replicates a repository named `name` into `region`. */
function copiedInto(graph: Parameters<typeof replicaRegionsOf>[0], region: string, name: string): boolean {
  const sources = new Set(
    graph
      .ofType('AWS::ECR::ReplicationConfiguration', 'aws_ecr_replication_configuration')
      .map((c) => regionOf(graph, c))
      .filter((r): r is string => r !== undefined && r !== region),
  );
  return [...sources].some((source) => replicaRegionsOf(graph, source, name).includes(region));
}
