import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load.js';
import { fromRoot } from '../../src/paths.js';
import { allChecks, type Checkpoint } from '../../src/plan/schema.js';

/**
 * plans/opt1.yaml states the seed faithfully: every line under every ✓ group
 * of the four checkpoints is a check (its source, source_detail, or the
 * criterion's requirement), every ✗ line of a "Critérios FAIL" block is a
 * trigger of the same checkpoint, and every other line of the seed can be
 * found in the plan too.
 */

// The go-live document the plan states, kept in the repository so the test runs from any clone.
const SEED = fromRoot('docs', 'seed', '000_9d5ef39ef2717317.txt');
const seedLines = readFileSync(SEED, 'utf8').split('\n');
const plan = loadPlanFile(fromRoot('plans/opt1.yaml')).plan;

/** A seed line as the plan quotes it: tree and box glyphs, marks and markdown removed, spaces collapsed. */
function normalise(line: string): string {
  return line
    .replace(/[─│├└┌┐┘╔╗╚╝║═↓]/g, ' ')
    .replace(/^\s*#+\s*/, '')
    .replace(/^\s*[✓✗☐]\s*/, '')
    .replace(/^\s*(-|→|\d+\.)\s+/, '')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Section {
  checkpoint: string;
  lines: { n: number; text: string }[];
}

/** The seed's "## CHECKPOINT N" sections, with line numbers. */
function checkpointSections(): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  seedLines.forEach((text, i) => {
    const heading = /^## (CHECKPOINT (\d)|POST-CHECKPOINT|GLOSSARY|EMERGENCY)/.exec(text);
    if (heading) current = heading[2] ? { checkpoint: `cp${heading[2]}`, lines: [] } : undefined;
    if (current && heading?.[2]) sections.push(current);
    if (current) current.lines.push({ n: i + 1, text });
  });
  return sections;
}

/** The ✓ groups of a section's PASS blocks: heading and the lines under it. */
function passGroups(section: Section): { heading: string; items: { n: number; text: string }[] }[] {
  const groups: { heading: string; items: { n: number; text: string }[] }[] = [];
  let inPass = false;
  let group: (typeof groups)[number] | undefined;
  for (const { n, text } of section.lines) {
    if (/^### .*Criteria PASS|^### Critérios PASS/.test(text)) inPass = true;
    else if (/^### /.test(text)) inPass = false;
    if (!inPass) continue;
    if (/^✓ /.test(text)) {
      group = { heading: normalise(text), items: [] };
      groups.push(group);
    } else if (group && /^\s+[├└│]/.test(text) && normalise(text) !== '') {
      group.items.push({ n, text: normalise(text) });
    } else if (text.trim() === '' || text.startsWith('```')) {
      group = undefined;
    }
  }
  return groups;
}

/** The ✗ lines of a section's FAIL blocks. */
function failLines(section: Section): { n: number; text: string }[] {
  const out: { n: number; text: string }[] = [];
  let inFail = false;
  for (const { n, text } of section.lines) {
    if (/^### .*FAIL/.test(text)) inFail = true;
    else if (/^### /.test(text)) inFail = false;
    if (inFail && /^✗ /.test(text)) out.push({ n, text: normalise(text) });
  }
  return out;
}

/** Tree items (├─ / └─) between two lines matching `from` and `to` in a section. */
function treeItemsBetween(section: Section, from: RegExp, to: RegExp): { n: number; text: string }[] {
  const start = section.lines.findIndex((l) => from.test(l.text));
  const end = section.lines.findIndex((l, i) => i > start && to.test(l.text));
  expect(start, String(from)).toBeGreaterThanOrEqual(0);
  return section.lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => /[├└]─/.test(l.text))
    .map((l) => ({ n: l.n, text: normalise(l.text) }));
}

function checkpoint(id: string): Checkpoint {
  return plan.checkpoints.find((c) => c.id === id)!;
}

/** What a criterion's lines may be quoted as. */
function quotedIn(cp: Checkpoint): Set<string> {
  const quoted = new Set<string>();
  for (const crit of cp.criteria) {
    quoted.add(normalise(crit.source));
    if (crit.requirement) quoted.add(normalise(crit.requirement));
  }
  for (const check of allChecks(cp)) {
    quoted.add(normalise(check.source));
    for (const d of check.source_detail ?? []) quoted.add(normalise(d));
  }
  return quoted;
}

const sections = checkpointSections();

describe('opt1.yaml against the seed', () => {
  it('finds the four checkpoints in the seed', () => {
    expect(sections.map((s) => s.checkpoint)).toEqual(['cp1', 'cp2', 'cp3', 'cp4']);
  });

  describe.each(['cp1', 'cp2', 'cp4'])('%s PASS criteria', (id) => {
    const section = sections.find((s) => s.checkpoint === id)!;
    const cp = checkpoint(id);
    const groups = passGroups(section);

    it('has one criterion per ✓ group, quoting its heading', () => {
      expect(groups.length).toBeGreaterThanOrEqual(6);
      expect(cp.criteria.map((c) => normalise(c.source))).toEqual(groups.map((g) => g.heading));
    });

    it.each(groups.map((g) => [g.heading, g] as const))('every line under ✓ %s is a check, a detail or the requirement', (_heading, group) => {
      const crit = cp.criteria.find((c) => normalise(c.source) === group.heading)!;
      const quoted = quotedIn({ ...cp, criteria: [crit], trigger_checks: [] });
      for (const item of group.items) expect(quoted, `seed line ${item.n}: ${item.text}`).toContain(item.text);
    });
  });

  it('cp3: every pre-cutover and validation line is a check, a criterion or a slot line', () => {
    const section = sections.find((s) => s.checkpoint === 'cp3')!;
    const cp = checkpoint('cp3');
    const quoted = quotedIn(cp);
    for (const slot of cp.pre_cutover!.slots) for (const l of slot.lines) quoted.add(normalise(l));
    const items = [
      ...treeItemsBetween(section, /^### Pre-Cutover Validation/, /^### Cutover Execution/),
      ...treeItemsBetween(section, /13:50-14:20 \| VALIDATION/, /14:20-14:30 \| POST-CUTOVER/),
    ];
    expect(items.length).toBeGreaterThanOrEqual(30);
    for (const item of items) expect(quoted, `seed line ${item.n}: ${item.text}`).toContain(item.text);
  });

  describe.each(['cp1', 'cp2', 'cp4'])('%s FAIL triggers', (id) => {
    it('every ✗ line is a trigger of the checkpoint, quoted verbatim', () => {
      const lines = failLines(sections.find((s) => s.checkpoint === id)!);
      expect(lines.length).toBeGreaterThanOrEqual(6);
      expect(checkpoint(id).triggers.map((t) => normalise(t.source))).toEqual(lines.map((l) => l.text));
    });
  });

  it('quotes every other line of the seed somewhere (only section labels are left to the YAML structure)', () => {
    // Section labels that the plan expresses as its structure, with the key that holds them.
    const structural: Record<string, string> = {
      Objetivo: 'objective',
      'Sign-Off Required From': 'signoffs',
      'Action Items:': 'outcomes[].actions',
      'Actions:': 'outcomes[].actions',
      'Documentation Required': 'documents',
      'Escalation Timeline:': 'escalation_timeline',
      'Metrics to Track': 'monitoring.metrics',
      'Real-time Dashboard (Grafana):': 'monitoring.metrics',
      'Daily Reports:': 'monitoring.daily_report',
      'Actions (FRI 21/02):': 'acceptance.if_accepted.actions',
      'Timeline:': 'acceptance.if_accepted.timeline',
      'GLOSSARY & DEFINITIONS': 'glossary',
      'Go-Live Readiness States:': 'readiness',
      'EMERGENCY CONTACTS & ESCALATION': 'incidents',
      'On-Call Escalation:': 'incidents.escalation',
      'Incident Severity:': 'incidents.severities',
    };
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(normalise(v));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        // An escalation timeline entry reads "case: action" in the seed.
        if (typeof o.case === 'string' && typeof o.action === 'string') strings.push(normalise(`${o.case}: ${o.action}`));
        Object.values(o).forEach(walk);
      }
    };
    walk(parse(readFileSync(fromRoot('plans/opt1.yaml'), 'utf8')));
    const missing = seedLines
      .map((text, i) => ({ n: i + 1, text: normalise(text) }))
      .filter((l) => l.text !== '' && l.text !== '```' && l.text !== '---' && !(l.text in structural))
      .filter((l) => !strings.some((s) => s.includes(l.text)));
    expect(missing).toEqual([]);
  });
});
