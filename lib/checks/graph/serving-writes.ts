import { computeRoles, writableStores } from './access';
import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { isDataStore, regionReplication } from './stores';

/** A store a serving region's compute may write, whose writes no copy carries to another region. */
export interface UncopiedWrite {
  /** The compute's IAM role. */
  readonly role: GraphResource;
  readonly region: string;
  readonly store: GraphResource;
}

/**
 * The writes of an active/active service that a region loss takes with it: buckets and tables its
 * compute may write that replicate nowhere (a replica, a single-region table). Every region serves
 * there, so this is the steady state, not the aftermath of a failover. Read from IAM in CloudFormation.
 *
 * Example: us-west-2's fleet may write the ReplicaBucket that us-east-1's bucket replicates into; what
 * it writes there stays in us-west-2.
 */
export function uncopiedServingWrites(
  graph: ResourceGraph,
  isServiceRole: (role: GraphResource) => boolean,
): UncopiedWrite[] {
  return computeRoles(graph)
    .filter((compute) => isServiceRole(compute.role))
    .flatMap((compute) =>
      writableStores(graph, compute.role)
        // Any region's store: a write into another region's replica stays there too.
        .filter((store) => isDataStore(graph, store))
        .filter((store) => regionReplication(graph, store) === undefined)
        .map((store) => ({ role: compute.role, region: compute.region, store })),
    );
}
