import { uncopiedServingWrites } from '../../graph/serving-writes';
import { Evaluation, fail, HaRule, RuleContext } from '../rule';
import { tierOf } from '../support';

/** HA-DR6: in an active/active service, what each region writes has a copy in another region. */
export const ServingWritesCopied: HaRule = {
  id: 'HA-DR6',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info:
    "In an ACTIVE_ACTIVE service, every bucket or single-region table that a region's compute may write replicates " +
    'to another region: no region writes into a replica (whose writes go nowhere) or a store of its own without a copy.',
  explanation:
    'Every region serves, so every region writes all the time: a replica written in place, or a local store ' +
    'without replication, holds data that exists in that region only, and the region RPO is unbounded for it.',
  resourceTypes: ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph, services } = context;
    const writes = uncopiedServingWrites(graph, (role) => tierOf(context, role)?.allRegionsServe === true);
    return writes.map(({ role, region, store }) =>
      fail(
        role,
        `${role.address}, compute of ${services.recordOf(role)?.service ?? 'the service'} in ${region}, may write ` +
          `${store.stack}/${store.address}, which copies nothing to another region: what it writes there is lost ` +
          `with ${store.region ?? 'that region'}. Write to a store of its own that replicates (a ReplicatedBucket ` +
          'in its region, with the ' +
          "same dataSet as the other regions' pairs) and read the other regions' copies only",
      ),
    );
  },
};
