import type { LoadedRoles } from '../roles/load.js';
import { formatDuration, parseDuration } from './duration.js';
import type { PathSegment } from './issues.js';
import { missingRoles, type FileProblem, type LoadedPlan } from './load.js';
import { allChecks, type Plan } from './schema.js';
import { formatLocal, formatOffset, localParts, resolveMoment, tryParseMoment, weekdayName, zoneOffsetMinutes } from './time.js';

/**
 * What `npm run plan:check` says about a plan that loads: warnings for what
 * is valid but suspicious, and a summary a person can read against the seed.
 * Pure: the caller loads the files and prints.
 */

export type LineOf = (path: readonly PathSegment[]) => number | undefined;

// ---------- warnings ----------

/** English and Portuguese weekday abbreviations, as plans and the seed write them. */
const WEEKDAY_WORDS: Record<string, number> = {
  SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6,
  DOM: 0, SEG: 1, TER: 2, QUA: 3, QUI: 4, SEX: 5, SAB: 6, SÁB: 6,
};
const WEEKDAY_PATTERN = Object.keys(WEEKDAY_WORDS).join('|');
/** "SAT 07/02", "Sat 07/02/2026": a weekday followed by a day/month date. */
const DATED_WEEKDAY = new RegExp(`(?<![A-Za-zÀ-ú])(${WEEKDAY_PATTERN})[A-Za-zÀ-ú]*\\.?\\s+(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}))?`, 'giu');
const BARE_WEEKDAY = new RegExp(`(?<![A-Za-zÀ-ú])(${WEEKDAY_PATTERN})(?![A-Za-zÀ-ú])`, 'iu');

export function planWarnings(loaded: LoadedPlan, options: { roles?: LoadedRoles | undefined; lineOf?: LineOf | undefined } = {}): FileProblem[] {
  const { plan, file } = loaded;
  const warnings: FileProblem[] = [];
  const warn = (path: PathSegment[], message: string) => warnings.push({ file, path, message, line: options.lineOf?.(path) });

  walkObjects(plan, [], (node, path) => {
    if (typeof node.start === 'string' && typeof node.end === 'string') {
      const order = compareMoments(plan, node.start, node.end);
      if (order !== undefined && order > 0) warn([...path, 'end'], `ends (${node.end}) before it starts (${node.start})`);
    }
    if (typeof node.label === 'string' && typeof node.start === 'string') {
      for (const problem of weekdayProblems(plan, node.label, node.start)) warn([...path, 'label'], problem);
    }
  });

  if (options.roles) {
    for (const m of missingRoles(loaded, options.roles)) {
      warn(m.path, `role "${m.role}" is not in the roles file ${options.roles.file}: golive will refuse to load this plan with it`);
    }
  }
  return warnings;
}

/** Negative, zero or positive like a comparator; undefined when the two cannot be compared. */
function compareMoments(plan: Plan, a: string, b: string): number | undefined {
  const pa = tryParseMoment(a);
  const pb = tryParseMoment(b);
  if (!pa || !pb || pa.kind !== pb.kind) return undefined;
  if (pa.kind === 'offset' && pb.kind === 'offset') return pa.ms - pb.ms;
  return resolveMoment(a, { timeZone: plan.time_zone }).getTime() - resolveMoment(b, { timeZone: plan.time_zone }).getTime();
}

/** A label's weekdays against the dates they name (or, undated, against the window's start). */
export function weekdayProblems(plan: Plan, label: string, start: string): string[] {
  const parsed = tryParseMoment(start);
  if (!parsed || parsed.kind !== 'absolute') return [];
  const problems: string[] = [];
  let dated = false;
  for (const m of label.matchAll(DATED_WEEKDAY)) {
    dated = true;
    const said = WEEKDAY_WORDS[m[1]!.toUpperCase()]!;
    const day = Number(m[2]);
    const month = Number(m[3]);
    const year = m[4] === undefined ? parsed.year : Number(m[4]);
    const actual = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    if (Number.isNaN(actual)) continue;
    if (actual !== said) {
      problems.push(`"${m[0]}": ${pad(day)}/${pad(month)}/${year} is a ${longWeekday(actual)}, not a ${longWeekday(said)}`);
    }
  }
  if (!dated) {
    const bare = BARE_WEEKDAY.exec(label);
    if (bare) {
      const said = WEEKDAY_WORDS[bare[1]!.toUpperCase()]!;
      const actual = localParts(resolveMoment(start, { timeZone: plan.time_zone }), plan.time_zone).weekday;
      if (actual !== said) problems.push(`"${bare[0]}": the window starts on a ${longWeekday(actual)} (${start}), not a ${longWeekday(said)}`);
    }
  }
  return problems;
}

const LONG_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
function longWeekday(n: number): string {
  return LONG_WEEKDAYS[n] ?? '?';
}
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Calls back for every mapping in the plan (check params excluded: they are free-form). */
function walkObjects(value: unknown, path: PathSegment[], visit: (node: Record<string, unknown>, path: PathSegment[]) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkObjects(v, [...path, i], visit));
  } else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    visit(node, path);
    for (const [key, v] of Object.entries(node)) if (key !== 'params') walkObjects(v, [...path, key], visit);
  }
}

// ---------- summary ----------

export interface SummaryOptions {
  implementedTypes: readonly string[];
  roles?: LoadedRoles | undefined;
}

export function describePlan(loaded: LoadedPlan, options: SummaryOptions): string[] {
  const { plan } = loaded;
  const when = momentFormatter(plan);
  const out: string[] = [];
  const schedule =
    plan.schedule === 'absolute'
      ? `times in ${plan.time_zone} (${zoneText(plan)})`
      : `times are offsets from the plan's start (recorded in the state DB when first loaded), shown in ${plan.time_zone}`;
  out.push(`plan ${plan.id}: ${plan.title}`);
  out.push(`  file ${loaded.file} (sha256 ${loaded.sha256.slice(0, 12)}…), schedule ${plan.schedule}: ${schedule}`);
  out.push(
    `  environments: ${Object.entries(plan.environments)
      .map(([name, env]) => `${name} (${env.url_var}${env.migrated ? ', migrated' : ''})`)
      .join(', ')}`,
  );
  out.push(`  migration: ${plan.migration.apply.join(' → ')}, rollback ${plan.migration.rollback}; steps ${plan.migration.steps.map((s) => s.name).join(', ')}`);

  out.push('  checkpoints:');
  for (const cp of plan.checkpoints) {
    const checks = cp.criteria.reduce((n, c) => n + c.checks.length, 0);
    const manual = allChecks(cp).filter((c) => c.type === 'manual').length;
    out.push(`    ${cp.id} ${cp.title}, on ${cp.environment}: ${when.window(cp.window.start, cp.window.end)}`);
    out.push(
      `      ${cp.criteria.length} criteria, ${checks} checks${cp.trigger_checks.length ? ` (+${cp.trigger_checks.length} trigger-only)` : ''}, ` +
        `${manual} manual, ${cp.triggers.length} fail triggers`,
    );
    for (const d of cp.decisions) {
      out.push(`      decision ${d.phase}${d.subject === 'cutover' ? ' (with the cutover)' : ''}: ${d.outcomes.map((o) => o.label).join(' / ')}`);
    }
    out.push(`      sign-offs: ${cp.signoffs.map((s) => s.role).join(', ')}${cp.documents.length ? `; documents: ${cp.documents.length}` : ''}`);
    if (cp.test_phases) out.push(`      test phases: ${when.window(cp.test_phases.window.start, cp.test_phases.window.end)} (${cp.test_phases.phases.map((p) => p.id).join(', ')})`);
    if (cp.pre_cutover) out.push(`      pre-cutover: ${when.window(cp.pre_cutover.window.start, cp.pre_cutover.window.end)}, ${cp.pre_cutover.slots.length} slots`);
    if (cp.cutover) {
      const cu = cp.cutover;
      out.push(`      cutover: ${when.window(cu.start, cu.end)}; steps ${cu.steps.map((s) => `${s.name} ${formatDuration(parseDuration(s.budget))}`).join(', ')}`);
      out.push(
        `      thresholds from ${cu.thresholds.counted_from.replace('_', ' ')}: ${cu.thresholds.items
          .map((t) => `${t.action.replaceAll('_', ' ')} ${formatDuration(parseDuration(t.after))}`)
          .join(', ')}; rollback limit ${formatDuration(parseDuration(cu.rollback.limit))}`,
      );
    }
    if (cp.monitoring) out.push(`      monitoring period: ${when.window(cp.monitoring.period.start, cp.monitoring.period.end)}`);
  }

  out.push(...typeCounts(plan, options.implementedTypes));
  out.push(...roleLines(plan, options.roles));

  const briefings = plan.checkpoints.flatMap((cp) => (cp.monitoring ? cp.monitoring.briefings.days.map((d) => ({ cp: cp.id, d, duration: cp.monitoring!.briefings.duration })) : []));
  out.push(`  briefings:${briefings.length === 0 ? ' none' : ''}`);
  for (const b of briefings) out.push(`    ${when.at(b.d.at)}  ${b.d.title} (${formatDuration(parseDuration(b.duration))}, ${b.cp})`);
  return out;
}

function typeCounts(plan: Plan, implemented: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const cp of plan.checkpoints) for (const c of allChecks(cp)) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([t]) => t.length));
  const missing = rows.filter(([t]) => !implemented.includes(t)).length;
  const out = [`  checks by type (${rows.length} types; ${rows.length - missing} implemented now):`];
  for (const [type, n] of rows) {
    const state = implemented.includes(type) ? 'implemented' : 'not implemented yet (reports skipped, which keeps its checkpoint from GO)';
    out.push(`    ${type.padEnd(width)} ${String(n).padStart(3)}  ${state}`);
  }
  return out;
}

function roleLines(plan: Plan, roles: LoadedRoles | undefined): string[] {
  const out = [`  roles${roles ? ` (holders from ${roles.file})` : ' (no roles file given: --roles FILE)'}:`];
  for (const [id, role] of Object.entries(plan.roles)) {
    let holders = '';
    if (roles) {
      const h = roles.roles.roles[id];
      holders = h ? `: ${[...h.users, ...h.usergroups].join(', ') || 'nobody yet'}` : ': MISSING from the roles file';
    }
    out.push(`    ${id} (${role.title})${holders}`);
  }
  return out;
}

function zoneText(plan: Plan): string {
  return formatOffset(zoneOffsetMinutes(new Date(), plan.time_zone));
}

/** Moments as a person reads them: local time in the plan's zone, or the offset of a relative plan. */
function momentFormatter(plan: Plan): { at(text: string): string; window(start: string, end: string): string } {
  const at = (text: string): string => {
    const parsed = tryParseMoment(text);
    if (!parsed) return text;
    if (parsed.kind === 'offset') return text;
    const instant = resolveMoment(text, { timeZone: plan.time_zone });
    const p = localParts(instant, plan.time_zone);
    return parsed.dateOnly ? `${weekdayName(p.weekday)} ${pad(p.day)}/${pad(p.month)}/${p.year}` : formatLocal(instant, plan.time_zone, false);
  };
  const zone = plan.schedule === 'absolute' ? ` ${plan.time_zone}` : ' from the start';
  return { at, window: (start, end) => `${at(start)} → ${at(end)}${zone}` };
}
