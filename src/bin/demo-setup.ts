import { describeError } from '../errors.js';
import { DEFAULT_PREFIX, DEFAULT_ROWS, DEFAULT_SERVER_URL, environmentLines, setupDemo } from '../demo/setup.js';
import { redactUrl } from '../redact.js';

/**
 * `npm run demo:setup [-- --rows N] [--prefix NAME] [--server URL] [--rebuild-template]`
 *
 * Builds (or reuses) <prefix>_template and creates <prefix>_shadow, _staging
 * and _production from it, then migrates shadow. Progress goes to stderr; the
 * GOLIVE_ENV_*_URL lines to use go to stdout.
 */

const USAGE = `usage: npm run demo:setup -- [--rows N] [--prefix NAME] [--server URL] [--rebuild-template]
  --rows N            rows in catalogo_geometrias (default ${DEFAULT_ROWS})
  --prefix NAME       databases are NAME_template, NAME_shadow, NAME_staging, NAME_production (default ${DEFAULT_PREFIX})
  --server URL        any database URL on the target server (default ${DEFAULT_SERVER_URL})
  --rebuild-template  rebuild the template even when one with the same rows and version exists`;

interface Args {
  rows: number;
  prefix: string;
  serverUrl: string;
  rebuildTemplate: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: DEFAULT_ROWS, prefix: DEFAULT_PREFIX, serverUrl: DEFAULT_SERVER_URL, rebuildTemplate: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--rows': {
        const text = value().replace(/_/g, '');
        const rows = Number(text);
        if (!/^\d+$/.test(text) || rows < 1 || rows > 50_000_000) throw new Error(`--rows must be a whole number from 1 to 50000000, got "${text}"`);
        args.rows = rows;
        break;
      }
      case '--prefix': {
        const prefix = value();
        if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`--prefix must be lower case letters, digits and _ (at most 41), got "${prefix}"`);
        args.prefix = prefix;
        break;
      }
      case '--server':
        args.serverUrl = value();
        break;
      case '--rebuild-template':
        args.rebuildTemplate = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // falls through (exit never returns)
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}

const started = performance.now();
try {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  log(`demo setup on ${redactUrl(args.serverUrl)}: prefix ${args.prefix}, ${args.rows.toLocaleString('en')} rows`);
  const result = await setupDemo({ ...args, log });
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s (template ${result.templateBuilt ? 'built' : 'reused'}; shadow migrated, staging and production not)`);
  if (new URL(args.serverUrl).password) log('note: the password is shown as *** below; put the real one in .env');
  process.stdout.write(`${environmentLines(args.serverUrl, result).join('\n')}\n`);
} catch (err) {
  process.stderr.write(`demo:setup failed: ${describeError(err)}\n`);
  process.exit(1);
}
