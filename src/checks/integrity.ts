import { amcheckCheck } from './amcheck.js';
import { checksumCompareCheck } from './checksum-compare.js';
import { dbBaselineCheck } from './db-baseline.js';
import { foreignKeysCheck } from './foreign-keys.js';
import { indexHealthCheck } from './index-health.js';
import { missingIndexesCheck } from './missing-indexes.js';
import { partitionDistributionCheck } from './partition-distribution.js';
import { primaryKeysCheck } from './primary-keys.js';
import { rowCountCompareCheck } from './row-count-compare.js';
import type { CheckImplementation } from './types.js';

/** The integrity and comparison check types (CHECKPOINT 1's baseline, CHECKPOINT 2's data integrity and index health). */
export const integrityChecks: CheckImplementation<any>[] = [
  dbBaselineCheck,
  amcheckCheck,
  foreignKeysCheck,
  primaryKeysCheck,
  rowCountCompareCheck,
  checksumCompareCheck,
  partitionDistributionCheck,
  indexHealthCheck,
  missingIndexesCheck,
];
