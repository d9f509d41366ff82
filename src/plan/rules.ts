import type { CutoverState } from './constants.js';
import type { DecisionRule } from './schema.js';

/** The facts a decision rule is judged on. */
export interface RuleFacts {
  failedCriteria: number;
  triggerFired: boolean;
  /** The cutover's final state; undefined for checkpoints decided by checks alone. */
  cutover?: CutoverState | undefined;
}

export function ruleHolds(rule: DecisionRule, facts: RuleFacts): boolean {
  if (rule.failed_criteria) {
    const { min, max } = rule.failed_criteria;
    if (min !== undefined && facts.failedCriteria < min) return false;
    if (max !== undefined && facts.failedCriteria > max) return false;
  }
  if (rule.triggers === 'any' && !facts.triggerFired) return false;
  if (rule.triggers === 'none' && facts.triggerFired) return false;
  if (rule.cutover && (facts.cutover === undefined || !rule.cutover.includes(facts.cutover))) return false;
  if (rule.any_of && !rule.any_of.some((r) => ruleHolds(r, facts))) return false;
  return true;
}

/** "0 failed criteria, no trigger", "3 failed criteria, a trigger fired, cutover rolled_back". */
export function describeFacts(facts: RuleFacts): string {
  const parts = [
    `${facts.failedCriteria} failed criteri${facts.failedCriteria === 1 ? 'on' : 'a'}`,
    facts.triggerFired ? 'a trigger fired' : 'no trigger',
  ];
  if (facts.cutover) parts.push(`cutover ${facts.cutover}`);
  return parts.join(', ');
}
