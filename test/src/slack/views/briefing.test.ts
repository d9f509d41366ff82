import { describe, expect, it } from 'vitest';
import type { BriefingFacts } from '../../../../src/briefing/facts.js';
import { checkBlocks } from '../../../../src/slack/fake/block-limits.js';
import { alertView, recoveryView } from '../../../../src/slack/views/alert.js';
import { briefingView } from '../../../../src/slack/views/briefing.js';
import { incidentView } from '../../../../src/slack/views/incident.js';
import type { IncidentRecord } from '../../../../src/store/incidents.js';

/** The stability views within Slack's limits, whatever the people type and however much there is to say. */
describe('briefing, alert and incident views', () => {
  const long = 'x'.repeat(5_000);
  const incident = (id: number): IncidentRecord => ({
    id, planId: 'opt1', severity: 'SEV1', text: `<script>${long}`, openedBy: 'U0DBA0001', openedAt: new Date('2026-02-18T10:00:00Z'),
    resolvedBy: null, resolvedAt: null, levels: 5, roles: ['dba'], environment: null, channelId: null,
  });

  it('keeps a crowded briefing within the limits and escapes what people typed', () => {
    const facts: BriefingFacts = {
      planId: 'opt1', planTitle: long, timeZone: 'America/Sao_Paulo', checkpointId: 'cp4', checkpointTitle: 'Production stability', title: long, now: new Date('2026-02-18T12:00:00Z'),
      nowLabel: 'Wed 18/02/2026 09:00', environment: 'production',
      period: { start: new Date('2026-02-17T17:30:00Z'), end: new Date('2026-02-19T20:00:00Z'), startLabel: 'a', endLabel: 'b', state: 'during', coveredMs: 66_600_000 },
      uptime: [], baselines: {}, queryTitles: {}, openIncidents: Array.from({ length: 40 }, (_, i) => incident(i + 1)), criticalSeverities: ['SEV1', 'SEV2'],
      incidentsInPeriod: Array.from({ length: 40 }, (_, i) => incident(i + 1)), openAlerts: [], alertsInPeriod: 0,
      checkpoints: Array.from({ length: 30 }, (_, i) => ({ id: `cp${i}`, title: long })), next: Array.from({ length: 10 }, () => long),
    };
    const view = briefingView(facts);
    expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);
    expect(JSON.stringify(view.blocks)).not.toContain('<script>');
  });

  it('keeps alerts, recoveries and incidents within the limits', () => {
    const alert = { planId: 'opt1', environment: 'production', metric: 'latency_Q2', severityName: 'SEV2', severityDescription: long, detail: long, mentions: '<@U0DBA0001>', openedLabel: 'now' };
    for (const v of [alertView(alert), recoveryView({ ...alert, cleared: { label: 'later', afterMs: 90_000, detail: long } })]) {
      expect(checkBlocks(v.blocks, { surface: 'message', fallbackText: v.text })).toEqual([]);
    }
    const i = incidentView({
      planId: 'opt1', id: 7, severityName: 'SEV1', severityClass: 'critical', severityDescription: long, respondWithin: '0m', text: long, openedBy: 'U0DBA0001', openedLabel: 'now',
      levels: Array.from({ length: 5 }, () => long), critical: true, blocks: 'CP4 Production stability', commandHint: '`/golive opt1 incident resolve 7`',
    });
    expect(checkBlocks(i.blocks, { surface: 'message', fallbackText: i.text })).toEqual([]);
    expect(i.text.startsWith('OPT1 incident #7 SEV1')).toBe(true);
  });
});
