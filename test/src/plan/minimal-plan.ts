import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The smallest plan the schema accepts with a little of everything the
 * error tests break: a check with an expect, a trigger, two criteria, a
 * manual check. Tests replace one exact line to make it wrong; the line
 * numbers below are what the errors must point at.
 */
export const MINIMAL_PLAN = `id: mini
title: "Minimal plan"
time_zone: America/Sao_Paulo
schedule: absolute
target:
  database: db
  table: public.t
  legacy_table: public.t_legacy
  partition_key: created_at
  partition_pattern: "public.t_pYYYY"
  default_partition: public.t_default
environments:
  staging: { url_var: GOLIVE_ENV_STAGING_URL }
migration:
  files:
    - { id: up, path: up.sql, sha256: auto, kind: migration }
    - { id: down, path: down.sql, sha256: auto, kind: rollback }
  apply: [up]
  rollback: down
  steps:
    - { name: only_step, file: up }
roles:
  dba: { title: "DBA" }
  pm: { title: "PM" }
permissions:
  run: [dba]
  signoff: [dba, pm]
  start: [dba]
  abort: [dba]
  rollback: [dba]
  rehearse: [dba]
  migrate: [dba]
  baseline: [dba]
  incident_resolve: [dba]
  attest: [dba]
checkpoints:
  - id: cp1
    title: "One"
    source: "CHECKPOINT 1"
    objective: "Try it."
    environment: staging
    window: { start: "2026-02-07T08:00", end: "2026-02-07T17:00", label: "SAT 07/02 08:00-17:00" }
    criteria:
      - id: connectivity
        title: "Connectivity"
        source: "CONNECTIVITY"
        checks:
          - id: reach
            title: "Reach"
            source: "reach it"
            type: connectivity
          - id: latency
            title: "Latency"
            source: "fast"
            type: latency
            params: { samples: 5 }
            expect: { metric: avg_ms, op: "<", value: 50, unit: ms }
      - id: people
        title: "People"
        source: "PEOPLE"
        checks:
          - { id: briefed, title: "Briefed", source: "team briefed", type: manual, attest_by: [pm] }
    triggers:
      - id: slow
        title: "Slow"
        source: "too slow"
        condition: { check: latency, metric: avg_ms, op: ">", value: 100, unit: ms }
    decisions:
      - phase: main
        outcomes:
          - { id: pass, label: PASS, kind: go, when: { failed_criteria: { max: 0 }, triggers: none } }
          - { id: hold, label: HOLD, kind: nogo, when: { any_of: [{ failed_criteria: { min: 1 } }, { triggers: any }] } }
    signoffs:
      - { role: dba, scope: "all of it", source: "DBA (all of it)" }
incidents:
  severities:
    - { level: 1, name: SEV1, class: critical, description: "down", respond_within: 0m, source: "SEV 1" }
  escalation:
    - { level: 1, title: "DBA", roles: [dba], source: "Level 1" }
`;

/** The 1-based line of the first line containing `text` in MINIMAL_PLAN. */
export function lineOf(text: string, yaml = MINIMAL_PLAN): number {
  const index = yaml.split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`no line with ${JSON.stringify(text)} in the plan`);
  return index + 1;
}

/** MINIMAL_PLAN with one exact text replaced (it must occur). */
export function planWith(from: string, to: string, yaml = MINIMAL_PLAN): string {
  if (!yaml.includes(from)) throw new Error(`the plan has no ${JSON.stringify(from)}`);
  return yaml.replace(from, to);
}

/** Write texts into a fresh temporary directory; returns their paths by name. */
export function writeTemp(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'golive-plan-'));
  return Object.fromEntries(
    Object.entries(files).map(([name, text]) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return [name, file];
    }),
  );
}
