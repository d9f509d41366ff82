import type { CheckTypeId } from '../plan/check-types.js';
import { backupLocationCheck } from './backup-location.js';
import { backupToolCheck } from './backup-tool.js';
import { connectivityCheck } from './connectivity.js';
import { diskFreeCheck } from './disk-free.js';
import { fileChecksumCheck } from './file-checksum.js';
import { hostResourcesCheck } from './host-resources.js';
import { httpProbeCheck } from './http-probe.js';
import { latencyCheck } from './latency.js';
import { manualCheck } from './manual.js';
import { poolHealthCheck } from './pool-health.js';
import { prometheusCheck } from './prometheus.js';
import { sqlCheck } from './sql.js';
import { loadTestCheck } from './load-test.js';
import { partitionPruningCheck } from './partition-pruning.js';
import { queryPerformanceCheck } from './query-performance.js';
import { rollbackDrillCheck } from './rollback-drill.js';
import { integrityChecks } from './integrity.js';
import { diskHeadroomCheck } from './disk-headroom.js';
import { schemaDriftCheck } from './schema-drift.js';
import { stabilityCheck } from './stability.js';
import { incidentsCheck } from './incidents.js';
import { featureSmokeCheck } from './feature-smoke.js';
import { priorResultCheck } from './prior-result.js';
import { backupVerifyCheck } from './backup-verify.js';
import type { CheckImplementation } from './types.js';

/**
 * One module per check type of the plan registry (src/plan/check-types.ts).
 * A type added to the registry without a module here reports `skipped: not
 * implemented` (which holds its checkpoint), and plan:check says so.
 */
const implementations: CheckImplementation<any>[] = [
  connectivityCheck,
  latencyCheck,
  poolHealthCheck,
  backupLocationCheck,
  diskFreeCheck,
  backupToolCheck,
  fileChecksumCheck,
  httpProbeCheck,
  sqlCheck,
  manualCheck,
  prometheusCheck,
  hostResourcesCheck,
  queryPerformanceCheck, loadTestCheck, rollbackDrillCheck, partitionPruningCheck,
  ...integrityChecks,
  diskHeadroomCheck,
  schemaDriftCheck,
  stabilityCheck,
  incidentsCheck,
  featureSmokeCheck,
  priorResultCheck,
  backupVerifyCheck,
];

const byType = new Map<string, CheckImplementation<any>>(implementations.map((i) => [i.type, i]));

export function implementationOf(type: string): CheckImplementation<CheckTypeId> | undefined {
  return byType.get(type);
}

export function implementedTypes(): string[] {
  return [...byType.keys()];
}

export type { CheckContext, CheckOutcome, RawOutcome, ManifestPins } from './types.js';
