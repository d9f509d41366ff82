import { afterAll, describe, expect, it } from 'vitest';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** "Foreign key constraints: 100% valid": validated constraints and no orphan rows. */
describe('foreign_keys', () => {
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('passes on the demo data: the bairro_id key is validated and every row has its bairro', async () => {
    const db = track(await plainDatabase('fk_ok'));
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { staging: db.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ violations: 0, not_validated: 0, orphans: 0, constraints: 1 });
    expect(outcome.message).toBe('1 foreign key validated, no orphan rows');
    expect(outcome.evidence.constraints).toMatchObject([
      { constraint: 'catalogo_geometrias_bairro_id_fkey', table: 'public.catalogo_geometrias', references: 'public.bairros', validated: true, enforced: true, orphans: 0 },
    ]);
  });

  it('finds an orphan row slipped in with the triggers off (session_replication_role = replica), and names its key', async () => {
    const db = track(await plainDatabase('fk_orphan'));
    await db.sql("SET session_replication_role = replica; UPDATE public.catalogo_geometrias SET bairro_id = 9999 WHERE id = 42; RESET session_replication_role");
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ violations: 1, not_validated: 0, orphans: 1, constraints: 1 });
    expect(outcome.message).toBe('1 foreign key violated: catalogo_geometrias_bairro_id_fkey: 1 orphan row (public.catalogo_geometrias → public.bairros; e.g. 9999)');
  });

  it('checks the constraint of the partitioned table once, over every partition', async () => {
    const db = track(await migratedDatabase('fk_part'));
    expect((await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { shadow: db.url })).observed).toEqual({
      violations: 0,
      not_validated: 0,
      orphans: 0,
      constraints: 1,
    });
    await db.sql("SET session_replication_role = replica; UPDATE public.catalogo_geometrias SET bairro_id = 5000 WHERE id IN (3, 19000); RESET session_replication_role");
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { shadow: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed.orphans).toBe(2);
  });

  it('fails a constraint added NOT VALID, and, from the referenced side, finds it too', async () => {
    const db = track(await plainDatabase('fk_notvalid'));
    await db.sql(`CREATE TABLE public.visits (id int PRIMARY KEY, geometria_id bigint); INSERT INTO public.visits VALUES (1, 10), (2, 99999999)`);
    await db.sql('ALTER TABLE public.visits ADD CONSTRAINT visits_geometria_fkey FOREIGN KEY (geometria_id) REFERENCES public.catalogo_geometrias (id) NOT VALID');
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ violations: 1, not_validated: 1, orphans: 1, constraints: 2 });
    expect(outcome.message).toContain('visits_geometria_fkey: 1 orphan row (public.visits → public.catalogo_geometrias; e.g. 99999999)');
    expect(outcome.message).toContain('visits_geometria_fkey: not validated');
  });

  it('says when a constraint is not enforced (its triggers disabled)', async () => {
    const db = track(await plainDatabase('fk_disabled'));
    await db.sql('ALTER TABLE public.catalogo_geometrias DISABLE TRIGGER ALL');
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { staging: db.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toBe('1 foreign key validated, no orphan rows (triggers disabled on catalogo_geometrias_bairro_id_fkey: new rows are not checked)');
  });

  it('is an error with a plain reason when the database cannot be reached', async () => {
    const outcome = await runCheck('foreign_keys', { tables: ['public.catalogo_geometrias'] }, { staging: UNREACHABLE_URL });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^cannot connect to staging: connection refused by 127\.0\.0\.1:1/);
  });
});
