import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoTestDatabase, type DemoTestDatabase } from '../src/demo/support.js';
import { loadOpt1Files, migrate, rollback, type Opt1Files } from './support.js';

let files: Opt1Files;
let db: DemoTestDatabase;

beforeAll(async () => {
  files = await loadOpt1Files();
  db = await createDemoTestDatabase('auto');
  await migrate(db.client, files);
}, 600_000);

afterAll(async () => {
  await db?.drop();
});

async function partitionNames(client: pg.ClientBase): Promise<string[]> {
  const result = await client.query<{ relname: string }>(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                                                         WHERE i.inhparent = 'public.catalogo_geometrias'::regclass ORDER BY 1`);
  return result.rows.map((r) => r.relname);
}

describe('opt1_ensure_partitions', () => {
  it('creates nothing while the partitions already reach a year ahead, and is idempotent', async () => {
    const created = await db.client.query(`SELECT * FROM public.opt1_ensure_partitions(interval '1 year', '2026-02-17 13:00+00')`);
    expect(created.rows).toEqual([]);
    expect(await partitionNames(db.client)).toHaveLength(21);
  });

  it('creates the next quarters once the look-ahead passes 2029q4, with the table’s indexes, key, trigger and bounds', async () => {
    const created = await db.client.query<{ opt1_ensure_partitions: string }>(
      `SELECT * FROM public.opt1_ensure_partitions(interval '6 months', '2029-08-01 00:00+00')`,
    );
    expect(created.rows.map((r) => r.opt1_ensure_partitions)).toEqual(['catalogo_geometrias_p2030q1']);
    const again = await db.client.query(`SELECT * FROM public.opt1_ensure_partitions(interval '6 months', '2029-08-01 00:00+00')`);
    expect(again.rows).toEqual([]);

    const part = await db.client.query(`
      SELECT pg_get_expr(c.relpartbound, c.oid) AS bound,
             (SELECT count(*)::int FROM pg_index x WHERE x.indrelid = c.oid AND x.indisvalid) AS indexes,
             (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f') AS fks,
             (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c') AS checks,
             (SELECT array_agg(t.tgname::text ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers
      FROM pg_class c WHERE c.oid = 'public.catalogo_geometrias_p2030q1'::regclass`);
    expect(part.rows[0]).toEqual({
      bound: "FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2030-04-01 00:00:00+00')",
      indexes: 7,
      fks: 1,
      checks: 0,
      triggers: ['opt1_capture_backward'],
    });

    // A 2030 row now goes to its own partition, not the default one.
    await db.client.query(`INSERT INTO public.catalogo_geometrias (code, geom, created_at)
                           VALUES ('Q2030', ST_SetSRID(ST_MakeEnvelope(-49.3, -16.7, -49.2998, -16.6998), 4326), '2030-02-01 00:00+00')`);
    const where = await db.client.query(`SELECT tableoid::regclass::text AS t FROM public.catalogo_geometrias WHERE code = 'Q2030'`);
    expect(where.rows).toEqual([{ t: 'catalogo_geometrias_p2030q1' }]);
  });

  it('moves rows that landed in the default partition into a new partition for their quarter, and says so with NOTIFY', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN golive_default_partition');
    try {
      await db.client.query(`INSERT INTO public.catalogo_geometrias (code, geom, created_at)
                             SELECT 'LATE-' || n, ST_SetSRID(ST_MakeEnvelope(-49.3, -16.7, -49.2998, -16.6998), 4326), timestamptz '2032-05-10 00:00+00' + n * interval '1 hour'
                             FROM generate_series(1, 3) AS n`);
      const before = await db.client.query(`SELECT count(*)::int AS n FROM public.catalogo_geometrias_default`);
      expect(before.rows[0].n).toBe(3);
      // The notification is delivered after commit; a round trip on the listener lets it arrive.
      await listener.query('SELECT 1');
      expect(notices).toEqual(['golive_default_partition:catalogo_geometrias_default']);

      const created = await db.client.query<{ opt1_ensure_partitions: string }>(`SELECT * FROM public.opt1_ensure_partitions()`);
      expect(created.rows.map((r) => r.opt1_ensure_partitions)).toEqual(['catalogo_geometrias_p2032q2']);
      const after = await db.client.query(`SELECT (SELECT count(*)::int FROM public.catalogo_geometrias_default) AS in_default,
                                                  (SELECT count(*)::int FROM public.catalogo_geometrias_p2032q2) AS moved,
                                                  (SELECT count(*)::int FROM public.catalogo_geometrias WHERE code LIKE 'LATE-%') AS visible`);
      expect(after.rows[0]).toEqual({ in_default: 0, moved: 3, visible: 3 });
    } finally {
      await listener.end();
    }
  });

  it('refuses to run on a table that is not partitioned, and the rollback removes it with the rest', async () => {
    await rollback(db.client, files);
    const fn = await db.client.query(`SELECT to_regprocedure('public.opt1_ensure_partitions(interval,timestamp with time zone)') AS f`);
    expect(fn.rows[0].f).toBeNull();
    // The rows added to the later partitions came back to the original table.
    const back = await db.client.query(`SELECT count(*)::int AS n FROM public.catalogo_geometrias WHERE code = 'Q2030' OR code LIKE 'LATE-%'`);
    expect(back.rows[0].n).toBe(4);

    // Re-create only the function on the unpartitioned table: it explains itself.
    await db.client.query(files.autoPartition.steps[0]!.statements[0]!.sql);
    await expect(db.client.query(`SELECT * FROM public.opt1_ensure_partitions()`)).rejects.toThrow(/catalogo_geometrias is not partitioned/);
    await db.client.query(`DROP FUNCTION public.opt1_ensure_partitions(interval, timestamptz)`);
  }, 600_000);
});
