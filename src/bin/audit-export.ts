import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportAudit } from '../audit/export.js';
import { loadConfig } from '../config.js';
import { createPool } from '../db/pool.js';
import { GoliveError } from '../errors.js';
import { exitOnStartupError } from '../app/shutdown.js';
import { createAuditStore } from '../store/audit.js';

/**
 * `npm run audit:export [-- --out FILE]`: every audit entry of the state DB
 * (DATABASE_URL) as JSON lines, oldest first, to stdout or FILE. Read-only.
 */
const USAGE = 'usage: npm run audit:export [-- --out FILE]';

function parseArgs(argv: string[]): { out?: string } {
  if (argv.length === 0) return {};
  if (argv.length === 2 && argv[0] === '--out' && argv[1]) return { out: argv[1] };
  if (argv.length === 1 && argv[0]!.startsWith('--out=') && argv[0]!.length > 6) return { out: argv[0]!.slice(6) };
  throw new GoliveError('USAGE', `unexpected arguments ${JSON.stringify(argv)}: ${USAGE}`);
}

async function writeTo(stream: NodeJS.WritableStream | WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

try {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, { applicationName: 'golive-audit-export', max: 1 });
  const out = args.out ? createWriteStream(args.out, { encoding: 'utf8' }) : process.stdout;
  try {
    const count = await exportAudit(createAuditStore(pool), (chunk) => writeTo(out, chunk));
    if (args.out) {
      (out as WriteStream).end();
      await once(out, 'finish');
    }
    process.stderr.write(`exported ${count} audit entr${count === 1 ? 'y' : 'ies'}${args.out ? ` to ${args.out}` : ''}\n`);
  } finally {
    await pool.end();
  }
} catch (err) {
  exitOnStartupError(err);
}
