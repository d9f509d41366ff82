import { boot } from '../../src/bin/boot.js';
import { startWorkers } from '../../src/app/processes.js';

/**
 * A worker process for tests that kill one mid-job: the real boot and
 * startWorkers, with lock and stall intervals short enough (argv: lock ms,
 * stalled-check ms) that another worker takes a dead one's jobs over in seconds.
 */
const lockDurationMs = Number(process.argv[2] ?? 3_000);
const stalledIntervalMs = Number(process.argv[3] ?? 1_000);
const { core, slack } = await boot('worker');
startWorkers(core, slack, { locks: { lockDurationMs, stalledIntervalMs } });
process.stdout.write(`worker ready pid=${process.pid}\n`);
