import { FlowProducer, type FlowJobNode, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobPayloads, jobQueue } from '../queue/payloads.js';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.js';
import { checkJobId, finalizeJobId, type ExecutionGroup } from './groups.js';

/**
 * A run is one BullMQ flow: the parent `finalize-run` waits for one `check`
 * child per execution group. Light checks are siblings and run in parallel
 * up to the checks queue's concurrency; heavy ones are nested one inside the
 * other, so whatever the number of workers, a pg_dump never runs on top of
 * another heavy check of the same run.
 *
 * A child that fails after its retries must not keep the parent waiting
 * forever: `ignoreDependencyOnFailure` lets the parent run, and finalize
 * records the missing result as an error.
 */
export function buildRunFlow(runId: number, groups: ExecutionGroup[], generation = 1): FlowJob {
  const childOptions = { ...DEFAULT_JOB_OPTIONS, ignoreDependencyOnFailure: true };
  const node = (group: ExecutionGroup, children?: FlowJobNode[]): FlowJobNode => ({
    name: 'check',
    queueName: jobQueue.check,
    data: jobPayloads.check.parse({ runId, checkIds: group.checks.map((c) => c.id) }),
    opts: { ...childOptions, jobId: checkJobId(runId, group.id, generation) },
    ...(children && children.length ? { children } : {}),
  });

  const light = groups.filter((g) => !g.heavy && !g.last).map((g) => node(g));
  // The last heavy group runs first: each heavy job waits for the one nested inside it.
  const heavyChain = groups
    .filter((g) => g.heavy && !g.last)
    .reduceRight<FlowJobNode | undefined>((inner, g) => node(g, inner ? [inner] : undefined), undefined);
  const others = heavyChain ? [...light, heavyChain] : light;
  // Groups that change what the others read (the rollback drill) wait for all of them.
  const children = groups.filter((g) => g.last).reduceRight<FlowJobNode[]>((inner, g) => [node(g, inner)], others);

  return {
    name: 'finalize-run',
    queueName: jobQueue['finalize-run'],
    data: jobPayloads['finalize-run'].parse({ runId }),
    opts: { ...DEFAULT_JOB_OPTIONS, jobId: finalizeJobId(runId, generation) },
    children,
  };
}

export interface RunLauncher {
  launch(runId: number, groups: ExecutionGroup[], generation?: number): Promise<void>;
  close(): Promise<void>;
}

export function createRunLauncher(deps: { connection: Redis; prefix: string }): RunLauncher {
  let producer: FlowProducer | undefined;
  return {
    async launch(runId, groups, generation = 1) {
      producer ??= new FlowProducer({ connection: deps.connection, prefix: deps.prefix });
      await producer.add(buildRunFlow(runId, groups, generation));
    },
    async close() {
      await producer?.close();
    },
  };
}
