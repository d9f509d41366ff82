import type { PlanCatalogEntry } from '../commands/parse.js';
import { GoliveError } from './errors.js';
import { crossCheckRoles, loadPlans, type LoadedPlan } from './plan/load.js';
import type { Plan } from './plan/schema.js';
import type { MomentContext } from './plan/time.js';
import { loadRolesFile, type LoadedRoles } from './roles/load.js';
import type { Store } from './store/index.js';

/**
 * The plans this process serves, the roles file, and where each environment
 * lives. Built once at start from GOLIVE_PLAN, GOLIVE_ROLES and the
 * GOLIVE_ENV_*_URL variables; a bad file stops the process before anything
 * connects.
 */
/** owner: the environment's url_var (migrations); read: its readonly_url_var when named. */
export type EnvAccess = 'owner' | 'read';

export interface PlanRegistry {
  list(): Plan[];
  get(planId: string): Plan | undefined;
  /** Like get, but a plan that is no longer loaded is a plain error. */
  require(planId: string): Plan;
  loaded(planId: string): LoadedPlan | undefined;
  catalog(): PlanCatalogEntry[];
  roles: LoadedRoles;
  /** Roles a user holds through `users` (user groups are resolved by the sign-off code). */
  directRolesOf(userId: string): string[];
  /** Everyone the roles file names, for the local emulator's user switcher. */
  people(): { id: string; name: string }[];
  usergroupMembers(): Record<string, string[]>;
  /**
   * The connection URL of a plan's environment: `owner` (default) from its
   * url_var, for what changes the database (step runner, cutover); `read`
   * from its readonly_url_var when the plan names one (checks, samplers,
   * baselines), else the owner URL.
   */
  envUrl(planId: string, environment: string, access?: EnvAccess): string;
  /** Time zone and (for relative plans) the recorded start, to resolve plan moments. */
  momentContext(planId: string): MomentContext;
  /** Record every plan in the state DB; relative plans get their start recorded once. */
  register(store: Store, now: Date): Promise<void>;
}

export async function loadPlanRegistry(options: {
  planFiles: string[];
  rolesFile: string;
  environments: Record<string, string>;
}): Promise<PlanRegistry> {
  const plans = loadPlans(options.planFiles);
  const roles = loadRolesFile(options.rolesFile);
  for (const loaded of plans) crossCheckRoles(loaded, roles);
  const byId = new Map(plans.map((l) => [l.plan.id, l]));
  const starts = new Map<string, Date>();

  const valueOf = (variable: string): string | undefined => options.environments[variable.replace(/^GOLIVE_ENV_/, '').replace(/_URL$/, '').toLowerCase()];
  const envUrlOf = (plan: Plan, environment: string, access: EnvAccess): string | undefined => {
    const env = plan.environments[environment];
    if (!env) return undefined;
    return access === 'read' && env.readonly_url_var ? valueOf(env.readonly_url_var) : valueOf(env.url_var);
  };
  // Every URL a plan names must be set now, not at cutover time.
  const missing = plans.flatMap((l) =>
    Object.entries(l.plan.environments).flatMap(([name, env]) => [
      ...(valueOf(env.url_var) ? [] : [`${l.file}: environments.${name}.url_var: ${env.url_var} is not set`]),
      ...(env.readonly_url_var && !valueOf(env.readonly_url_var) ? [`${l.file}: environments.${name}.readonly_url_var: ${env.readonly_url_var} is not set`] : []),
    ]),
  );
  if (missing.length) throw new GoliveError('ENV_URL_MISSING', missing.join('\n'));

  const registry: PlanRegistry = {
    list: () => plans.map((l) => l.plan),
    get: (id) => byId.get(id)?.plan,
    require(id) {
      const plan = byId.get(id)?.plan;
      if (!plan) throw new GoliveError('PLAN_NOT_LOADED', `plan "${id}" is not loaded in this golive (loaded: ${[...byId.keys()].join(', ')})`);
      return plan;
    },
    loaded: (id) => byId.get(id),
    catalog: () =>
      plans.map(({ plan }) => ({
        id: plan.id,
        checkpoints: plan.checkpoints.map((c) => c.id),
        environments: Object.keys(plan.environments),
        severities: plan.incidents.severities.map((s) => s.name),
      })),
    roles,
    directRolesOf: (userId) =>
      Object.entries(roles.roles.roles)
        .filter(([, holders]) => holders.users.includes(userId))
        .map(([role]) => role),
    people() {
      // The roles file has ids only: people are named by the roles they hold.
      const held = new Map<string, string[]>();
      for (const [role, holders] of Object.entries(roles.roles.roles)) {
        for (const user of holders.users) held.set(user, [...(held.get(user) ?? []), role]);
      }
      return [...held].map(([id, list]) => ({ id, name: list.join('+') }));
    },
    // Group membership lives in Slack; the local emulator has none to serve.
    usergroupMembers: () => ({}),
    envUrl(planId, environment, access = 'owner') {
      const plan = registry.require(planId);
      const url = envUrlOf(plan, environment, access);
      if (!url) throw new GoliveError('ENV_UNKNOWN', `plan "${planId}" has no environment "${environment}" (it has ${Object.keys(plan.environments).join(', ')})`);
      return url;
    },
    momentContext(planId) {
      const plan = registry.require(planId);
      return { timeZone: plan.time_zone, start: plan.schedule === 'relative' ? starts.get(planId) : undefined };
    },
    async register(store, now) {
      for (const { plan, file, sha256 } of plans) {
        const record = await store.plans.register({ id: plan.id, title: plan.title, file, digest: sha256, relativeTimes: plan.schedule === 'relative' }, now);
        if (record.demoStartAt) starts.set(plan.id, record.demoStartAt);
      }
    },
  };
  return registry;
}
