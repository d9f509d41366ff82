import type pg from 'pg';
import { applySteps } from '../../src/demo/apply.js';
import { loadMigrationFile, type MigrationFile } from '../../src/migration-file/parse.js';
import { fromRoot } from '../../src/paths.js';

/** The three OPT1 files, parsed. */
export interface Opt1Files {
  migration: MigrationFile;
  autoPartition: MigrationFile;
  rollback: MigrationFile;
}

export async function loadOpt1Files(): Promise<Opt1Files> {
  const file = (name: string) => loadMigrationFile(fromRoot('plans', 'opt1', name));
  return {
    migration: await file('1770470100_temporal_partitioning_geometrias.sql'),
    autoPartition: await file('1770500100_auto_partition_creation_2029_plus.sql'),
    rollback: await file('ROLLBACK_OPT1_temporal_partitioning_geometrias.sql'),
  };
}

/** The whole migration: both forward files, as a cutover runs them. */
export async function migrate(client: pg.ClientBase, files: Opt1Files): Promise<void> {
  await applySteps(client, files.migration);
  await applySteps(client, files.autoPartition);
}

export async function rollback(client: pg.ClientBase, files: Opt1Files): Promise<void> {
  await applySteps(client, files.rollback);
}

/** The first `count` steps of a file. */
export async function applyFirstSteps(client: pg.ClientBase, file: MigrationFile, count: number): Promise<void> {
  await applySteps(client, file, { steps: file.steps.slice(0, count) });
}

export async function relkind(client: pg.ClientBase, name = 'public.catalogo_geometrias'): Promise<string | null> {
  const result = await client.query<{ k: string | null }>(`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS k`, [name]);
  return result.rows[0]!.k;
}

/** Answers of every step's verify query, by step name. */
export async function verifyAll(client: pg.ClientBase, file: MigrationFile): Promise<Record<string, boolean>> {
  const answers: Record<string, boolean> = {};
  for (const step of file.steps) {
    const result = await client.query({ text: step.verifySql, rowMode: 'array' });
    answers[step.name] = (result.rows[0] as unknown[])[0] === true;
  }
  return answers;
}

/**
 * Writes of every kind on the live catalogo_geometrias (whichever table that
 * is): inserts (one in 2031, past the last partition), an update in place, an
 * update that moves a row to another quarter, an update of the id itself, and
 * deletes. `salt` keeps rounds of writes apart.
 */
export async function writeSomeRows(client: pg.ClientBase, salt: number): Promise<void> {
  await client.query(
    `INSERT INTO public.catalogo_geometrias (code, geom, centroid, area, bairro_id, created_at, properties)
     SELECT 'NEW-' || $1 || '-' || n,
            ST_SetSRID(ST_MakeEnvelope(-49.3 + n * 0.001, -16.7, -49.3 + n * 0.001 + 0.0002, -16.6998), 4326),
            ST_SetSRID(ST_MakePoint(-49.3 + n * 0.001 + 0.0001, -16.6999), 4326),
            100 + n, 1 + n, timestamptz '2027-05-01 00:00+00' + n * interval '37 days', jsonb_build_object('round', $1::int)
     FROM generate_series(1, 5) AS n`,
    [salt],
  );
  await client.query(
    `INSERT INTO public.catalogo_geometrias (code, geom, centroid, area, created_at)
     VALUES ('FUTURE-' || $1, ST_SetSRID(ST_MakeEnvelope(-49.2, -16.6, -49.1998, -16.5998), 4326),
             ST_SetSRID(ST_MakePoint(-49.1999, -16.5999), 4326), 5, '2031-02-03 04:05+00')`,
    [salt],
  );
  await client.query(`UPDATE public.catalogo_geometrias SET properties = properties || jsonb_build_object('edited', $1::int), updated_at = '2026-02-17 16:00+00'
                      WHERE id IN (10 + $1, 20 + $1)`, [salt]);
  await client.query(`UPDATE public.catalogo_geometrias SET created_at = created_at + interval '200 days' WHERE id = 30 + $1`, [salt]);
  await client.query(`UPDATE public.catalogo_geometrias SET id = 9000000 + $1 WHERE id = 40 + $1`, [salt]);
  await client.query(`DELETE FROM public.catalogo_geometrias WHERE id IN (50 + $1, 60 + $1, 70 + $1)`, [salt]);
}
