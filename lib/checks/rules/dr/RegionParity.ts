import { allows, computeRoles, ComputeRole, dataSets, StoreGrant, storeGrants, storeRegions } from '../../graph/access';
import { fail, Evaluation, HaRule, pass, RuleContext } from '../rule';
import { tierOf } from '../support';

/**
 * HA-DR4: the compute of every serving or standby region can use its own region's copy of each
 * store the primary's compute uses, with the same actions.
 *
 * Read from IAM alone: the roles EC2 instance profiles and ECS task definitions run as, the stores
 * their policies name (a global table by name, a bucket by its replication group, a secret by name,
 * a key by the store it encrypts, a parameter by name) and the region of the copy each grant
 * reaches. A reference region is one whose compute is primary (every region for ACTIVE_ACTIVE);
 * each other region with compute of the service must hold the same grants on its own copies.
 */
export const RegionParity: HaRule = {
  id: 'HA-DR4',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: "In a multi-region service, the compute of each standby or serving region may use its own region's copy of every table, bucket, secret, key and parameter the primary region's compute uses, with the same actions.",
  explanation:
    "A replica the standby's code cannot read is no standby: traffic moved there meets AccessDenied, and the failover the report counts never serves a request.",
  resourceTypes: ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::InstanceProfile', 'AWS::ECS::TaskDefinition'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph, services } = context;
    const byService = new Map<string, ComputeRole[]>();
    for (const compute of computeRoles(graph)) {
      const record = services.recordOf(compute.role);
      const tier = tierOf(context, compute.role);
      if (record && tier?.isMultiRegion) {
        byService.set(record.service, [...(byService.get(record.service) ?? []), compute]);
      }
    }
    const copies = storeRegions(graph);
    const sets = dataSets(graph);
    const evaluations: Evaluation[] = [];
    for (const [, roles] of byService) {
      const regions = [...new Set(roles.map((r) => r.region))];
      if (regions.length < 2) {
        continue;
      }
      const tier = tierOf(context, roles[0].role)!;
      const isReference = (compute: ComputeRole) =>
        tier.allRegionsServe || services.recordOf(compute.role)?.role === 'primary';
      const grants = new Map(roles.map((compute) => [compute.role.key, storeGrants(graph, compute.role)]));
      for (const target of roles) {
        const problems: string[] = [];
        for (const reference of roles.filter((r) => r.region !== target.region && isReference(r))) {
          const needed = grants.get(reference.role.key)!.filter((g) => g.region === reference.region);
          const held =
            regions.length > 0
              ? [...roles.filter((r) => r.region === target.region)].flatMap((r) => grants.get(r.role.key)!)
              : [];
          for (const grant of needed) {
            const problem = missing(grant, held, target.region, copies, sets);
            if (problem) {
              problems.push(
                `${problem} (${reference.role.stack}/${reference.role.address} in ${reference.region} may)`,
              );
            }
          }
        }
        evaluations.push(
          problems.length === 0
            ? pass(target.role)
            : fail(
                target.role,
                `${target.role.address}, compute of ${services.recordOf(target.role)!.service} in ${target.region}, ${problems.join('; ')}: ` +
                  "grant it on its own region's copy (or replicate what has none), or traffic moved here meets AccessDenied",
              ),
        );
      }
    }
    return evaluations;
  },
};

/** Actions that only read: a region must hold them on its copy of every pair of a data set. */
const READ_ONLY = /^(s3:get|s3:list|kms:decrypt$|kms:describekey$)/;

/**
 * What `held` lacks of `grant` in `region`, or undefined when it covers it. A write the region holds on
 * another pair of the same data set covers a write on this pair's copy: in an active/active service each
 * region writes its own pair (which replicates) and only reads the copies of the others'.
 */
function missing(
  grant: StoreGrant,
  held: readonly StoreGrant[],
  region: string,
  copies: Map<string, Set<string>>,
  sets: Map<string, string>,
): string | undefined {
  // A database user exists wherever the cluster does.
  if (!copies.get(grant.identity.split(' as ')[0])?.has(region)) {
    return `has no copy of ${grant.identity} in its region`;
  }
  const local = held.filter((h) => h.identity === grant.identity && h.region === region).flatMap((h) => h.actions);
  const dataSet = sets.get(grant.identity);
  const sameDataSet = held
    .filter((h) => dataSet !== undefined && sets.get(h.identity) === dataSet && h.region === region)
    .flatMap((h) => h.actions);
  const lacking = grant.actions.filter(
    (action) => !allows(local, action) && (READ_ONLY.test(action) || !allows(sameDataSet, action)),
  );
  return lacking.length === 0 ? undefined : `may not ${lacking.join(', ')} on the ${region} copy of ${grant.identity}`;
}
