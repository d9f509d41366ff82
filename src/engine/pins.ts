import path from 'node:path';
import { sha256Of } from '../checks/file-checksum.js';
import { resolvePlanPath } from '../checks/plan-paths.js';
import type { ManifestPins } from '../checks/types.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';

/**
 * Manifest files marked `sha256: auto` (the demo plan) get their digest pinned
 * in the state DB when the plan is loaded, so an edit made afterwards fails
 * the file_checksum checks. The first pin stays: a restart does not bless an
 * edited file. A file missing now is left unpinned (its check says so).
 */
export async function pinAutoManifests(plans: PlanRegistry, pins: ManifestPins, logger: Logger): Promise<void> {
  for (const plan of plans.list()) {
    const dir = path.dirname(path.resolve(plans.loaded(plan.id)?.file ?? '.'));
    for (const file of plan.migration.files.filter((f) => f.sha256 === 'auto')) {
      try {
        const digest = await sha256Of(resolvePlanPath(dir, file.path));
        const pinned = await pins.pin(plan.id, file.id, digest);
        if (pinned !== digest) logger.warn({ plan: plan.id, file: file.path }, 'migration file differs from the digest pinned when the plan was first loaded');
      } catch (err) {
        logger.warn({ err, plan: plan.id, file: file.path }, 'cannot pin the digest of a manifest file');
      }
    }
  }
}
