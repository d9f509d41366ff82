import pg from 'pg';
import { DIGEST_SETTINGS, rowHashOf, tableDigest, type RowHash } from '../src/checks/content-hash.js';
import { resolveTable, type TableRef } from '../src/checks/catalog.js';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase, withAdminClient } from '../src/demo/databases.js';
import { templateMarker } from '../src/demo/template.js';
import { benchTemplate, demoBenchArgs, log, out } from './demo-bench.js';
import { fmt, median } from './support.js';

/**
 * `npm run bench:checksum [-- --rows N --prefix NAME --server URL --repeat R --alternatives]`
 *
 * One environment's content checksum (checksum_compare's digest: every
 * column of every row, geometries included) against the anchor, a serial
 * sequential-scan `SELECT count(*)` of the same table (parallel workers and
 * index-only scans off), on the 1,000,000-row demo table. Both run R times
 * (default 7), interleaved, after one warm-up each; the medians and their ratio are
 * printed (issue 7 holds the checksum to at most 8x the anchor), and whether
 * the checksum's plan used parallel workers. The checksum is also timed
 * with parallel query off, for the serial figure.
 *
 * `--alternatives` also times, once each, the digests golive does not use:
 * hashing row::text and data-diff's md5 per row, to show what converting
 * geometries to text costs.
 */

const bench = demoBenchArgs({ repeat: '7' }, { alternatives: { type: 'boolean', default: false } });
const { rows, repeat, serverUrl, prefix } = bench;
const values = { alternatives: bench.values.alternatives === true };

const TABLE = 'public.catalogo_geometrias';

const template = await benchTemplate(bench);

/**
 * The benchmark's own copy of the template, kept between runs. Its comment
 * repeats the template's marker, so a copy of an older template is replaced.
 */
const database = `${prefix}_checksum`;
const marker = templateMarker(rows);
const current = await withAdminClient(serverUrl, (admin) =>
  admin.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [database]),
);
if (current.rows[0]?.comment !== marker) {
  log(`creating ${database} from ${template}`);
  await dropDatabase(serverUrl, database);
  await createDatabaseFromTemplate(serverUrl, template, database);
  await withAdminClient(serverUrl, (admin) => admin.query(`COMMENT ON DATABASE ${database} IS '${marker.replace(/'/g, "''")}'`));
} else {
  log(`reusing ${database}`);
}
const url = databaseUrl(serverUrl, database);

async function session(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'golive-bench-checksum' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

// Two sessions, each set up once: the anchor's settings must not leak into the checksum's.
const anchor = await session();
await anchor.query('SET max_parallel_workers_per_gather = 0; SET enable_indexonlyscan = off');
const checker = await session();
await checker.query('BEGIN READ ONLY');
await checker.query(DIGEST_SETTINGS);
// The same checksum with parallel query off, to show what the parallel plan buys.
const serial = await session();
await serial.query('BEGIN READ ONLY');
await serial.query(DIGEST_SETTINGS);
await serial.query('SET LOCAL max_parallel_workers_per_gather = 0');
const found = await resolveTable(checker, TABLE);
if (!found) throw new Error(`${TABLE} not found in ${database}`);
const table: TableRef = found;
const hash: RowHash = await rowHashOf(checker, table);

async function timeAnchor(): Promise<number> {
  const started = performance.now();
  await anchor.query(`SELECT count(*) FROM ${table.sql}`);
  return performance.now() - started;
}

let digestRows = 0;
async function timeChecksum(client: pg.Client = checker): Promise<number> {
  const started = performance.now();
  // The check's own code path: the hash expression probe, then the digest.
  const fresh = await rowHashOf(client, table);
  const digest = await tableDigest(client, table, fresh);
  digestRows = digest.rows;
  return performance.now() - started;
}

const anchorMs: number[] = [];
const checksumMs: number[] = [];
const serialMs: number[] = [];
try {
  log('warm-up');
  await timeAnchor();
  await timeChecksum();
  for (let round = 1; round <= repeat; round++) {
    // Alternate who goes first, so neither always finds the other's cache.
    if (round % 2) {
      anchorMs.push(await timeAnchor());
      checksumMs.push(await timeChecksum());
      serialMs.push(await timeChecksum(serial));
    } else {
      serialMs.push(await timeChecksum(serial));
      checksumMs.push(await timeChecksum());
      anchorMs.push(await timeAnchor());
    }
    log(`round ${round}/${repeat}: count(*) ${fmt(anchorMs.at(-1)!)} ms, checksum ${fmt(checksumMs.at(-1)!)} ms, serial checksum ${fmt(serialMs.at(-1)!)} ms`);
  }

  const plan = await checker.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*), coalesce(sum(h), 0) FROM (SELECT ${hash.expression} AS h FROM ${table.sql}) s`,
  );
  const workers = gatherWorkers(plan.rows[0]!['QUERY PLAN']);
  const settings = await checker.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'max_parallel_workers', 'jit', 'shared_buffers') ORDER BY name`,
  );

  const a = median(anchorMs);
  const c = median(checksumMs);
  const ratio = c / a;
  out(`content checksum vs serial count(*) on ${TABLE} (${digestRows.toLocaleString('en')} rows), ${database}, median of ${repeat} interleaved rounds`);
  out(`  checksum: ${hash.expression.replace(/\s+/g, ' ')}`);
  out(`            count(*) and sum() of that over every row; ${hash.columns.filter((col) => col.as !== 'value').map((col) => `${col.name} as ${col.as}`).join(', ')}`);
  out(`  anchor:   SELECT count(*) with max_parallel_workers_per_gather = 0, enable_indexonlyscan = off`);
  out('');
  out(`  count(*) (serial seq scan)  ${fmt(a).padStart(8)} ms   rounds: ${anchorMs.map(fmt).join(', ')}`);
  out(`  content checksum            ${fmt(c).padStart(8)} ms   rounds: ${checksumMs.map(fmt).join(', ')}`);
  out(`  ratio                       ${ratio.toFixed(2).padStart(8)} x   (target at most 8x: ${ratio <= 8 ? 'met' : 'NOT met'})`);
  const s = median(serialMs);
  out(`  checksum, parallel off      ${fmt(s).padStart(8)} ms   rounds: ${serialMs.map(fmt).join(', ')}   (${(s / a).toFixed(2)}x the anchor)`);
  out(
    `  parallel query for the checksum: ${workers.planned > 0 ? `yes, ${workers.planned} workers planned, ${workers.launched} launched` : 'no (serial plan)'}`,
  );
  out(`  server: ${settings.rows.map((s) => `${s.name}=${s.setting}`).join(', ')}`);

  if (values.alternatives) {
    out('');
    out('  for scale, once each (not what golive runs):');
    const alternatives: Array<[string, string]> = [
      ['hashtextextended(row::text) (geometries as hex text)', `SELECT bit_xor(hashtextextended(t::text, 0)) FROM ${table.sql} t`],
      ["md5 per row's text (data-diff's way)", `SELECT bit_xor(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint) FROM ${table.sql} t`],
    ];
    for (const [name, sql] of alternatives) {
      const started = performance.now();
      await checker.query(sql);
      const ms = performance.now() - started;
      out(`  ${name.padEnd(56)} ${fmt(ms).padStart(8)} ms  ${(ms / a).toFixed(1)}x`);
    }
  }
} finally {
  await checker.query('ROLLBACK').catch(() => {});
  await serial.query('ROLLBACK').catch(() => {});
  await anchor.end();
  await checker.end();
  await serial.end();
}

/** Workers planned and launched by the Gather nodes of an EXPLAIN (ANALYZE, FORMAT JSON) result. */
function gatherWorkers(explain: unknown): { planned: number; launched: number } {
  const total = { planned: 0, launched: 0 };
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['Workers Planned'] === 'number') total.planned += n['Workers Planned'];
    if (typeof n['Workers Launched'] === 'number') total.launched += n['Workers Launched'];
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  (Array.isArray(explain) ? explain : [explain]).forEach(visit);
  return total;
}
