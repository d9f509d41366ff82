import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { migrateStateDb } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { loadPlanRegistry } from '../plan-registry.js';
import { formatLocal } from '../plan/time.js';
import { createStore } from '../store/index.js';
import { exitOnStartupError } from '../app/shutdown.js';

/**
 * `npm run demo:reset`: record a new start for every plan with relative times
 * (the demo plan), so its checkpoints' windows begin now. Running processes
 * pick the new start up when they next load the plan (restart them).
 */
try {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', name: 'golive-demo-reset' });
  const plans = await loadPlanRegistry({ planFiles: config.planFiles, rolesFile: config.rolesFile, environments: config.environments });
  await migrateStateDb(config.databaseUrl, logger);
  const pool = createPool(config.databaseUrl, { applicationName: 'golive-demo-reset' });
  const store = createStore(pool);
  const now = systemClock.now();
  const relative = plans.list().filter((p) => p.schedule === 'relative');
  for (const plan of relative) {
    await plans.register(store, now);
    await store.plans.resetStart(plan.id, now);
    process.stdout.write(`${plan.id}: start recorded at ${formatLocal(now, plan.time_zone)}\n`);
  }
  if (relative.length === 0) process.stdout.write('no loaded plan has relative times; nothing to reset\n');
  await pool.end();
} catch (err) {
  exitOnStartupError(err);
}
