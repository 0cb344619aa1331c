// The store helpers moved to lib/checks/graph/stores.ts, which the rules read without importing the
// report's modules; this module keeps their public names (`ha-constructs/checks` exports them).
export type { Contribution } from './graph/stores';
export {
  isAurora,
  isDataStore,
  isLogBucket,
  isPrimaryStore,
  regionReplication,
  s3ReplicationRules,
  STORE_TYPES,
  zoneFailover,
} from './graph/stores';
