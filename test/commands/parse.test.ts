import { describe, expect, it } from 'vitest';
import { parseCommand, type PlanCatalogEntry } from '../../commands/parse.js';

const opt1: PlanCatalogEntry = {
  id: 'opt1',
  checkpoints: ['cp1', 'cp2', 'cp3', 'cp4'],
  environments: ['shadow', 'staging', 'production'],
  severities: ['SEV1', 'SEV2', 'SEV3', 'SEV4'],
};
const demo: PlanCatalogEntry = { ...opt1, id: 'demo' };

const parse = (text: string, catalog = [opt1]) => parseCommand(text, catalog);

describe('parseCommand', () => {
  it.each([
    ['', { verb: 'help' }],
    ['help', { verb: 'help' }],
    ['ping', { verb: 'ping' }],
    ['status', { verb: 'status', planId: 'opt1' }],
    ['cp3 status', { verb: 'checkpoint', planId: 'opt1', checkpointId: 'cp3', action: 'status' }],
    ['CP1 RUN staging', { verb: 'checkpoint', planId: 'opt1', checkpointId: 'cp1', action: 'run', environment: 'staging' }],
    ['cp2 migrate', { verb: 'checkpoint', planId: 'opt1', checkpointId: 'cp2', action: 'migrate' }],
    ['cp3 rehearse', { verb: 'checkpoint', planId: 'opt1', checkpointId: 'cp3', action: 'rehearse' }],
    ['baseline capture staging', { verb: 'baseline', planId: 'opt1', environment: 'staging', replace: false }],
    ['baseline capture staging replace', { verb: 'baseline', planId: 'opt1', environment: 'staging', replace: true }],
    ['incident sev2 p99 over 2 s on map tiles', { verb: 'incident', planId: 'opt1', severity: 'SEV2', text: 'p99 over 2 s on map tiles' }],
    ['incident resolve 12', { verb: 'incident-resolve', planId: 'opt1', incidentId: 12 }],
    ['audit', { verb: 'audit', planId: 'opt1' }],
    ['audit cp2', { verb: 'audit', planId: 'opt1', checkpointId: 'cp2' }],
    ['opt1 cp4 signoff', { verb: 'checkpoint', planId: 'opt1', checkpointId: 'cp4', action: 'signoff' }],
  ])('parses %j', (text, expected) => {
    expect(parse(text)).toEqual({ ok: true, command: expected });
  });

  it.each([
    ['dance', /unknown command `dance`/],
    ['cp9 status', /no checkpoint `cp9`.*cp1, cp2, cp3, cp4/],
    ['cp1 start', /`start` belongs to cp3/],
    ['cp3 migrate', /`migrate` belongs to cp2/],
    ['cp1 run staging now', /at most an environment/],
    ['cp1 run mars', /unknown environment `mars`/],
    ['cp1 status please', /no more words/],
    ['cp1', /say what to do with cp1/],
    ['baseline capture', /usage: `baseline capture ENV \[replace\]`/],
    ['baseline capture staging overwrite', /usage/],
    ['incident sev9 boom', /SEV1, SEV2, SEV3, SEV4/],
    ['incident sev1', /say what happened/],
    ['incident resolve x1', /incident resolve ID/],
    ['ping now', /takes no arguments/],
    ["cp1 '; DROP TABLE runs; --", /unknown action/],
  ])('refuses %j with a usage hint', (text, problem) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('needs the plan id when several plans are loaded, and accepts it first', () => {
    expect(parse('cp2 status', [opt1, demo])).toMatchObject({ ok: false, problem: expect.stringMatching(/several plans.*`opt1`, `demo`/) });
    expect(parse('demo cp2 status', [opt1, demo])).toEqual({
      ok: true,
      command: { verb: 'checkpoint', planId: 'demo', checkpointId: 'cp2', action: 'status' },
    });
    // help and ping belong to no plan.
    expect(parse('help', [opt1, demo])).toEqual({ ok: true, command: { verb: 'help' } });
  });

  it('never echoes mention syntax or long words back', () => {
    const result = parse('<!channel>-and-a-very-long-word-that-goes-on-and-on');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).not.toContain('<!channel>');
      expect(result.problem.length).toBeLessThan(80);
    }
  });
});
