import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySteps, verifyStep } from '../../src/demo/apply.js';
import { geometriasFingerprint, type TableFingerprint } from '../../src/demo/checksum.js';
import { createDemoTestDatabase, schemaSnapshot, type DemoTestDatabase, type SchemaSnapshot } from '../src/demo/support.js';
import { applyFirstSteps, loadOpt1Files, migrate, relkind, rollback, verifyAll, writeSomeRows, type Opt1Files } from './support.js';

/**
 * The OPT1 migration and its rollback on a copy of the demo data set
 * (20,000 rows): content and schema must come back exactly, from any point,
 * with the writes made in between, as many times as it is run.
 */

// Each migrate + rollback cycle rebuilds ~150 indexes concurrently; on a busy
// 2-core machine that is tens of seconds, so the heavier tests get room.
const SLOW = 600_000;

let files: Opt1Files;
const databases: DemoTestDatabase[] = [];

async function freshDatabase(label: string): Promise<{ db: DemoTestDatabase; original: TableFingerprint; schema: SchemaSnapshot }> {
  const db = await createDemoTestDatabase(label);
  databases.push(db);
  return { db, original: await geometriasFingerprint(db.client), schema: await schemaSnapshot(db.client) };
}

beforeAll(async () => {
  files = await loadOpt1Files();
});

afterAll(async () => {
  for (const db of databases) await db.drop();
}, SLOW);

describe('OPT1 migration files', () => {
  it('have the seed’s five steps and every step sets its timeouts and a verify query', () => {
    expect(files.migration.steps.map((s) => s.name)).toEqual(['create_partitions', 'copy_data', 'create_indexes', 'swap_tables', 'reindex_analyze']);
    expect(files.autoPartition.steps.map((s) => s.name)).toEqual(['create_partition_function', 'ensure_partitions_now']);
    expect(files.rollback.steps.map((s) => s.name)).toEqual(['swap_back', 'drop_migration_objects', 'reindex_analyze']);
    for (const file of [files.migration, files.autoPartition, files.rollback]) {
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      for (const step of file.steps) {
        expect(step.lockTimeout).toBeGreaterThan(0);
        expect(step.statementTimeout).toBeGreaterThan(0);
        expect(step.verifySql).toMatch(/^SELECT /);
      }
    }
  });

  it('migrate: partitions by quarter, keeps every row, and every verify query turns true', async () => {
    const { db, original } = await freshDatabase('mig');
    const c = db.client;
    expect(Object.values(await verifyAll(c, files.migration))).toEqual([false, false, false, false, false]);

    // Each step's verify is false before it runs and true after (and stays true).
    for (const [index, step] of files.migration.steps.entries()) {
      expect(await verifyStep(c, step)).toBe(false);
      await applySteps(c, files.migration, { steps: [step] });
      const answers = Object.values(await verifyAll(c, files.migration));
      expect(answers).toEqual(answers.map((_, i) => i <= index));
    }
    await applySteps(c, files.autoPartition);
    expect(Object.values(await verifyAll(c, files.autoPartition))).toEqual([true, true]);

    expect(await relkind(c)).toBe('p');
    expect(await relkind(c, 'public.catalogo_geometrias_legacy')).toBe('r');
    expect(await geometriasFingerprint(c)).toEqual(original);
    expect(await geometriasFingerprint(c, 'public.catalogo_geometrias_legacy')).toEqual(original);

    const partitions = await c.query(`SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound,
                                             (SELECT count(*) FROM pg_index WHERE indrelid = c.oid)::int AS indexes
                                      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                                      WHERE i.inhparent = 'public.catalogo_geometrias'::regclass ORDER BY 1`);
    expect(partitions.rows).toHaveLength(21);
    expect(partitions.rows[0]).toMatchObject({ relname: 'catalogo_geometrias_default', bound: 'DEFAULT', indexes: 7 });
    expect(partitions.rows[1]).toMatchObject({ relname: 'catalogo_geometrias_p2025q1', indexes: 7 });
    expect(partitions.rows[20]).toMatchObject({ relname: 'catalogo_geometrias_p2029q4', indexes: 7 });
    expect(partitions.rows[20].bound).toMatch(/FROM \('2029-10-01 00:00:00\+00'\) TO \('2030-01-01 00:00:00\+00'\)/);

    // Same index names and kinds as before, on the partitioned table; key includes created_at.
    const indexes = await c.query(`SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def FROM pg_index
                                   WHERE indrelid = 'public.catalogo_geometrias'::regclass ORDER BY 1`);
    expect(indexes.rows.map((r) => r.name)).toEqual([
      'catalogo_geometrias_bairro_id_idx',
      'catalogo_geometrias_centroid_gist',
      'catalogo_geometrias_code_idx',
      'catalogo_geometrias_created_at_brin',
      'catalogo_geometrias_created_at_idx',
      'catalogo_geometrias_geom_gist',
      'catalogo_geometrias_pkey',
    ]);
    expect(indexes.rows.find((r) => r.name === 'catalogo_geometrias_pkey')!.def).toMatch(/\(id, created_at\)/);
    const invalid = await c.query(`SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid`);
    expect(invalid.rows[0].n).toBe(0);

    // The foreign key holds, the sequence moved to the live table, the search view reads it.
    const fk = await c.query(`SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'public.catalogo_geometrias'::regclass AND contype = 'f'`);
    expect(fk.rows).toEqual([{ conname: 'catalogo_geometrias_bairro_id_fkey', convalidated: true }]);
    const seq = await c.query(`SELECT pg_get_serial_sequence('public.catalogo_geometrias', 'id') AS s`);
    expect(seq.rows[0].s).toBe('public.catalogo_geometrias_id_seq');
    const view = await c.query(`SELECT count(*)::int AS n, (SELECT count(*)::int FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                                  WHERE r.ev_class = 'public.catalogo_busca'::regclass AND d.refobjid = 'public.catalogo_geometrias'::regclass) AS deps
                                FROM public.catalogo_busca`);
    expect(view.rows[0]).toEqual({ n: original.rows, deps: expect.any(Number) });
    expect(view.rows[0].deps).toBeGreaterThan(0);
  }, SLOW);

  it('rollback after the full migration brings back the same rows (with writes made since the swap) and the same schema', async () => {
    const { db, schema } = await freshDatabase('rbk');
    const c = db.client;
    await migrate(c, files);
    await writeSomeRows(c, 1);
    const live = await geometriasFingerprint(c);
    expect(live.rows).toBe(20_000 + 6 - 3);
    // The 2031 row waits in the default partition until the next partition run.
    const inDefault = await c.query(`SELECT count(*)::int AS n FROM public.catalogo_geometrias_default`);
    expect(inDefault.rows[0].n).toBe(1);

    await rollback(c, files);
    expect(await relkind(c)).toBe('r');
    expect(await geometriasFingerprint(c)).toEqual(live);
    expect(await schemaSnapshot(c)).toEqual(schema);
    expect(Object.values(await verifyAll(c, files.rollback))).toEqual([true, true, true]);
    expect(Object.values(await verifyAll(c, files.migration))).toEqual([false, false, false, false, false]);

    // The search view was refreshed over the rows carried back.
    const view = await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE code LIKE 'NEW-%' OR code LIKE 'FUTURE-%')::int AS new FROM public.catalogo_busca`);
    expect(view.rows[0]).toEqual({ n: live.rows, new: 6 });
    // And the id sequence carries on past every id used on either table.
    const next = await c.query(`SELECT nextval('public.catalogo_geometrias_id_seq')::int AS id`);
    expect(next.rows[0].id).toBe(20_007);
  }, SLOW);

  it('rollback after each of the five steps leaves the original table intact', async () => {
    const { db, original, schema } = await freshDatabase('each');
    const c = db.client;
    for (let count = 1; count <= files.migration.steps.length; count++) {
      await applyFirstSteps(c, files.migration, count);
      await rollback(c, files);
      expect({ after: files.migration.steps[count - 1]!.name, fingerprint: await geometriasFingerprint(c) }).toEqual({
        after: files.migration.steps[count - 1]!.name,
        fingerprint: original,
      });
      expect(await schemaSnapshot(c)).toEqual(schema);
    }
  }, SLOW);

  it('rollback after a copy interrupted half way, and rolling back twice, are harmless', async () => {
    const { db, original, schema } = await freshDatabase('half');
    const c = db.client;
    await applyFirstSteps(c, files.migration, 1);
    const copy = files.migration.steps[1]!;
    expect(copy.transactional).toBe(false);
    for (const statement of copy.statements.slice(0, 7)) await c.query(statement.sql);
    expect(await verifyStep(c, copy)).toBe(false);

    await rollback(c, files);
    await rollback(c, files);
    expect(await geometriasFingerprint(c)).toEqual(original);
    expect(await schemaSnapshot(c)).toEqual(schema);

    // A rollback on a database that was never migrated changes nothing either.
    const untouched = await freshDatabase('never');
    await rollback(untouched.db.client, files);
    expect(await geometriasFingerprint(untouched.db.client)).toEqual(untouched.original);
    expect(await schemaSnapshot(untouched.db.client)).toEqual(untouched.schema);
  }, SLOW);

  it('carries writes made to the original table during the migration into the partitioned one', async () => {
    const { db } = await freshDatabase('fwd');
    const c = db.client;
    await applyFirstSteps(c, files.migration, 2); // partitions created and filled
    await writeSomeRows(c, 2); // the application is still writing to the original table
    const expected = await geometriasFingerprint(c);
    await applySteps(c, files.migration, { steps: files.migration.steps.slice(2) });
    expect(await relkind(c)).toBe('p');
    expect(await geometriasFingerprint(c)).toEqual(expected);
    // The search view, built from the copy, was refreshed because rows changed.
    const view = await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE code LIKE 'NEW-%' OR code LIKE 'FUTURE-%')::int AS new FROM public.catalogo_busca`);
    expect(view.rows[0]).toEqual({ n: expected.rows, new: 6 });
  }, SLOW);

  it('migrate, roll back, migrate again: three times in a row', async () => {
    const { db, schema } = await freshDatabase('thrice');
    const c = db.client;
    for (let round = 1; round <= 3; round++) {
      await migrate(c, files);
      expect(await relkind(c)).toBe('p');
      await writeSomeRows(c, round * 100);
      const live = await geometriasFingerprint(c);
      await rollback(c, files);
      expect(await relkind(c)).toBe('r');
      expect(await geometriasFingerprint(c)).toEqual(live);
      expect(await schemaSnapshot(c)).toEqual(schema);
    }
    await migrate(c, files);
    expect(await relkind(c)).toBe('p');
    expect(Object.values(await verifyAll(c, files.migration))).toEqual([true, true, true, true, true]);
  }, SLOW);
});
