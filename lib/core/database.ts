import { HaValidationError } from './errors';
/**
 * Connection limits of Aurora PostgreSQL instances, for alarms that fire before the connection pool
 * is exhausted (a database that refuses connections is down for its clients, whatever its health).
 */

/**
 * Bytes of instance memory Aurora PostgreSQL's default parameter group reserves per connection, and
 * the cap of the default: `max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000)`.
 * The documentation's own worked example takes memory as GiB × 10^9 (db.r4.large: 15.25 GiB → 1600).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections
 */
export const AURORA_POSTGRES_BYTES_PER_CONNECTION = 9531392;
export const AURORA_POSTGRES_DEFAULT_MAX_CONNECTIONS_CAP = 5000;

/**
 * Share of `max_connections` at which a connection alarm fires: early enough to scale the instance
 * or put a pool in front before new connections are refused, late enough not to page on normal peaks.
 */
export const CONNECTION_ALARM_RATIO = 0.8;

/**
 * Memory per vCPU of the memory-optimized families Aurora runs on (R: 8 GiB, X2g: 16 GiB), and the
 * burstable classes by name (2 vCPUs each, memory not proportional).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html
 */
const GIB_PER_VCPU: readonly { readonly family: RegExp; readonly gib: number }[] = [
  { family: /^r\d+[a-z]*$/, gib: 8 },
  { family: /^x2g[a-z]*$/, gib: 16 },
];
const BURSTABLE_MEMORY_GIB: Readonly<Record<string, number>> = {
  't3.medium': 4,
  't3.large': 8,
  't4g.medium': 4,
  't4g.large': 8,
};

/**
 * Memory in GiB of a DB instance class (`r6g.large` or `db.r6g.large`), or undefined for a class
 * this table does not know. vCPUs follow the EC2 sizes: large 2, xlarge 4, N·xlarge 4·N.
 */
export function instanceClassMemoryGiB(instanceClass: string): number | undefined {
  const name = instanceClass.replace(/^db\./, '');
  if (BURSTABLE_MEMORY_GIB[name] !== undefined) {
    return BURSTABLE_MEMORY_GIB[name];
  }
  const match = /^([a-z0-9-]+)\.(large|(\d*)xlarge)$/.exec(name);
  if (!match) {
    return undefined;
  }
  const perVcpu = GIB_PER_VCPU.find((f) => f.family.test(match[1]));
  if (!perVcpu) {
    return undefined;
  }
  const vcpus = match[2] === 'large' ? 2 : 4 * Number(match[3] || 1);
  return vcpus * perVcpu.gib;
}

/**
 * Default `max_connections` of an Aurora PostgreSQL instance with this much memory:
 * `min(round(memoryGiB × 10^9 / 9531392), 5000)`, rounded as the documentation's table is (db.r4.large:
 * 1599.98 → 1600; db.t3.medium: 419.7 → 420).
 */
export function auroraPostgresMaxConnections(memoryGiB: number): number {
  if (typeof memoryGiB !== 'number' || !Number.isFinite(memoryGiB) || memoryGiB <= 0) {
    throw new HaValidationError(`memoryGiB must be a positive number, got: ${String(memoryGiB)}`);
  }
  return Math.min(
    Math.round((memoryGiB * 1e9) / AURORA_POSTGRES_BYTES_PER_CONNECTION),
    AURORA_POSTGRES_DEFAULT_MAX_CONNECTIONS_CAP,
  );
}

/** Connection count at which to alarm for a given limit: {@link CONNECTION_ALARM_RATIO} of it, rounded down. */
export function connectionAlarmThreshold(maxConnections: number): number {
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new HaValidationError(`maxConnections must be a positive integer, got: ${String(maxConnections)}`);
  }
  return Math.floor(maxConnections * CONNECTION_ALARM_RATIO);
}
