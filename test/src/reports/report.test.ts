import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngHeader } from '../../../src/charts/png.js';
import { BAR_CHART_SIZE } from '../../../src/charts/bar-chart.js';
import { LINE_CHART_SIZE } from '../../../src/charts/line-chart.js';
import { findCheckpoint } from '../../../src/plan/schema.js';
import { documentsGeneratedFromRun } from '../../../src/signoff/documents.js';
import { loadCheckpointState } from '../../../src/signoff/state.js';
import type { FakeFile } from '../../../src/slack/fake/slack-fake.js';
import type { RunRecord } from '../../../src/store/runs.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { DBA, FIGURES, QA, seedCp2Run } from './support.js';

const said = (ack: { json?: unknown; text: string }) => (ack.json as { text?: string } | undefined)?.text ?? ack.text;

/**
 * `/golive cp2 report` end to end: the real web process answers the command,
 * a real worker builds the documents from the state DB and uploads them to
 * the Slack fake with files.uploadV2's three requests, and the gate then
 * counts them for that run.
 */
describe('/golive cp2 report', () => {
  let h: Harness;
  let run: RunRecord;
  let files: FakeFile[];
  const text = (suffix: string) => {
    const f = files.find((x) => x.filename.endsWith(suffix));
    expect(f, `uploaded file *${suffix}`).toBeDefined();
    return f!.bytes!.toString('utf8');
  };

  beforeAll(async () => {
    h = await startHarness();
    const plan = h.core.plans.require('demo');
    run = await seedCp2Run(h.core.store, plan);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the gate closed until the documents exist', async () => {
    const plan = h.core.plans.require('demo');
    const cp = findCheckpoint(plan, 'cp2')!;
    expect(await documentsGeneratedFromRun(h.core.store)({ plan, checkpoint: cp, run })).toBe(false);
    const state = await loadCheckpointState({ store: h.core.store, plans: h.core.plans, logger: h.core.logger }, plan, cp);
    expect(state!.gate.blockers).toContain('the required documents were not generated from this run');
  });

  it('answers at once and uploads every document through the three upload requests', async () => {
    const ack = await h.command('cp2 report', QA);
    expect(said(ack)).toContain('Building 8 documents of cp2 from run #1');
    const channel = h.fake.identity.channel.id;
    const message = await h.fake.waitFor(() => h.fake.messages(channel).find((m) => m.via === 'file_upload' && m.text.includes('documents built from the stored evidence')), { timeoutMs: 30_000, description: 'the report upload message' });
    expect(message.text).toContain('run #1 (GO)');
    // Every document recorded means every batch completed.
    await h.fake.waitFor(async () => (await h.core.store.reports.forRun(run.id)).length === 8, { timeoutMs: 30_000, description: 'eight report rows' });
    files = h.fake.files.filter((f) => f.completedAt);

    const methods = h.fake.calls.map((c) => c.method);
    expect(methods).toContain('files.getUploadURLExternal');
    expect(methods).toContain('files.completeUploadExternal');
    const reserved = h.fake.calls.filter((c) => c.method === 'files.getUploadURLExternal');
    // 8 Markdown documents, 2 charts, 2 CSV files.
    expect(reserved).toHaveLength(12);
    expect(files).toHaveLength(12);
    for (const f of files) {
      expect(f.bytes?.length, f.filename).toBe(f.length);
      expect(f.channelId).toBe(channel);
    }
  });

  it('records each document against the run, with the uploaded file and its digest', async () => {
    const records = await h.core.store.reports.forRun(run.id);
    expect(records.map((r) => r.documentId).sort()).toEqual(
      ['application_validation_checklist', 'change_management_approval', 'contingency_plan_review', 'load_test_results', 'performance_comparison', 'risk_assessment', 'rollback_test_report', 'staging_deployment_report'],
    );
    for (const r of records) {
      const file = files.find((f) => f.id === r.fileId)!;
      expect(file.filename).toBe(r.filename);
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(file.bytes!).digest('hex')).toBe(r.sha256);
    }
    expect(records.find((r) => r.documentId === 'risk_assessment')!.kind).toBe('template');
    expect(records.find((r) => r.documentId === 'performance_comparison')!.attachments.map((a) => a.filename)).toEqual(['demo-cp2-run1-performance_comparison.png']);
  });

  it('puts the stored figures in the performance comparison, not placeholders', () => {
    const md = text('-performance_comparison.md');
    expect(md).toContain('# Performance Comparison (shadow vs staging)');
    expect(md).toMatch(/Q1 ST_Contains \| 2,400 ms \| 2,040 ms \| 15 % faster/);
    expect(md).toMatch(/Q2 ST_Intersects \| 3,100 ms \| 2,420 ms \| 21\.94 % faster/);
    expect(md).toMatch(/Q3 ST_DWithin \| 1,850 ms \| 1,702 ms \| 8 % faster/);
    // The baseline as stored, with who captured it.
    expect(md).toContain(`| Q1 | 2,400 ms | 2,511 ms | 1 | 15.8 |`);
    expect(md).toContain(DBA);
    expect(md).toContain('![Q latency before and after](demo-cp2-run1-performance_comparison.png)');
  });

  it('renders the performance chart as a PNG of the stated size', () => {
    const png = files.find((f) => f.filename.endsWith('performance_comparison.png'))!;
    expect(readPngHeader(png.bytes!)).toMatchObject({ width: BAR_CHART_SIZE.width, height: BAR_CHART_SIZE.height });
  });

  it('gives the load test its figures, a throughput/P95 chart and the raw data as CSV', () => {
    const md = text('-load_test_results.md');
    expect(md).toContain('123.45 tps');
    expect(md).toContain(`41.5 ms / 187.25 ms / 402.75 ms`);
    expect(md).toContain('7,407');
    const chart = files.find((f) => f.filename.endsWith('-load_test.png'))!;
    expect(readPngHeader(chart.bytes!)).toMatchObject({ width: LINE_CHART_SIZE.width, height: LINE_CHART_SIZE.height });

    const csv = text('-load_test_intervals.csv').trim().split('\r\n');
    expect(csv[0]).toBe('index,start_s,seconds,transactions,errors,tps,p50_ms,p95_ms');
    expect(csv).toHaveLength(1 + FIGURES.intervals.length);
    expect(csv[2]).toBe(`1,15,15,${Math.round(125.25 * 15)},0,125.25,40,190.25`);
    const percentiles = text('-load_test_latency_percentiles.csv').trim().split('\r\n');
    expect(percentiles[1]).toBe(`all,${FIGURES.transactions},3.25,41.5,187.25,402.75,910.5,55.5`);
  });

  it('reports every rollback execution and the staging deployment’s step log', () => {
    const rollback = text('-rollback_test_report.md');
    expect(rollback).toContain('| 1 | 1 min 1 s | yes | 200,000 | equal | 0 | yes |');
    expect(rollback).toContain('Slowest rollback: 1 min 1 s');
    const deployment = text('-staging_deployment_report.md');
    expect(deployment).toContain('| 1 | create_partitions | succeeded | 4.3 s |');
    expect(deployment).toContain('| 2 | copy_data | succeeded | 1 min 39 s |');
    expect(deployment).toContain('Backup: /tmp/backups/pre-demo-staging.dump');
    expect(deployment).toContain('## FASE 1: Pre-deployment validation');
    const checklist = text('-application_validation_checklist.md');
    expect(checklist).toContain('- [x] **Spatial search** (pass)');
  });

  it('makes the human documents templates with what a person must add', () => {
    const risk = text('-risk_assessment.md');
    expect(risk).toContain('## A person must add:');
    expect(risk).toContain('Owner: **Project Manager**');
    const change = text('-change_management_approval.md');
    expect(change).toContain('- [ ] The change ticket number and its link');
    expect(change).toContain('Run #1 decided **GO**');
    const contingency = text('-contingency_plan_review.md');
    expect(contingency).toContain('3 of 3 rollbacks verified');
    expect(contingency).toContain('Backup: /tmp/backups/pre-demo-staging.dump');
  });

  it('opens the documents rule of the gate for that run', async () => {
    const plan = h.core.plans.require('demo');
    const cp = findCheckpoint(plan, 'cp2')!;
    expect(await documentsGeneratedFromRun(h.core.store)({ plan, checkpoint: cp, run })).toBe(true);
    const state = await loadCheckpointState({ store: h.core.store, plans: h.core.plans, logger: h.core.logger }, plan, cp);
    expect(state!.gate.blockers).not.toContain('the required documents were not generated from this run');
    const audit = await h.core.store.audit.latest({ planId: 'demo', checkpointId: 'cp2', limit: 50 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['report.requested', 'report.generated']));
  });

  it('refuses politely when the checkpoint has no finished run', async () => {
    const ack = await h.command('cp1 report', QA);
    expect(said(ack)).toContain('The plan lists no documents for cp1');
    const cp4 = await h.command('cp4 report', QA);
    expect(said(cp4)).toContain('cp4 has no run yet');
  });
});
