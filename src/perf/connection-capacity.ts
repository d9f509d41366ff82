import type pg from 'pg';

/**
 * How many more sessions the server accepts right now: max_connections, less
 * the slots reserved for superusers (unless we are one), less the sessions
 * already open. A load test asks this first, so "the server cannot take 100
 * clients" is said plainly instead of showing up as a pile of refused
 * connections.
 */
export interface ConnectionCapacity {
  maxConnections: number;
  reserved: number;
  inUse: number;
  superuser: boolean;
  /** Sessions this role may still open when it has a CONNECTION LIMIT (-1: none). */
  roleLimit: number;
  databaseLimit: number;
  /** Free slots for us, counting the probe's own session as free (it closes before the test). */
  available: number;
}

export async function connectionCapacity(client: pg.ClientBase): Promise<ConnectionCapacity> {
  const { rows } = await client.query<{
    max_connections: number;
    reserved: number;
    in_use: number;
    superuser: boolean;
    role_limit: number;
    database_limit: number;
  }>(`
    SELECT current_setting('max_connections')::int AS max_connections,
           current_setting('superuser_reserved_connections')::int AS reserved,
           (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS in_use,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
           (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit,
           (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS database_limit`);
  const r = rows[0]!;
  const reservedForOthers = r.superuser ? 0 : r.reserved;
  return {
    maxConnections: r.max_connections,
    reserved: r.reserved,
    inUse: r.in_use,
    superuser: r.superuser,
    roleLimit: r.role_limit,
    databaseLimit: r.database_limit,
    available: Math.max(0, r.max_connections - reservedForOthers - r.in_use + 1),
  };
}

/** The sentence a run card shows when the server cannot take the clients. */
export function describeShortfall(capacity: ConnectionCapacity, clients: number): string {
  const reserved = capacity.superuser ? '' : `, ${capacity.reserved} reserved for superusers`;
  return (
    `the server can take ${capacity.available} more connections (max_connections ${capacity.maxConnections}${reserved}, ` +
    `${capacity.inUse} in use) but the load test needs ${clients} clients: raise max_connections or lower clients`
  );
}
