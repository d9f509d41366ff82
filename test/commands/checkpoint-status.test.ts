import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { UNREACHABLE_URL } from '../src/checks/support.js';
import { blocksText, OUTSIDER, writeEnginePlan, type EnginePlan } from '../src/engine/support.js';

describe('/golive cpN status', () => {
  let plan: EnginePlan;
  let h: Harness;
  beforeAll(async () => {
    plan = await writeEnginePlan();
    h = await startHarness({ planFiles: [plan.file], environments: { staging: UNREACHABLE_URL }, worker: false });
  });
  afterAll(async () => {
    await h?.close();
    await plan?.remove();
  });

  it('answers anyone, privately, with the criteria and how to start when there is no run yet', async () => {
    const answer = await h.command('cp1 status', OUTSIDER);
    const json = answer.json as { response_type: string; text: string; blocks: unknown[] };
    expect(json.response_type).toBe('ephemeral');
    expect(json.text).toBe('CP1: no run yet');
    const text = blocksText(json.blocks);
    expect(text).toMatch(/ENG · CP1 Staging pre-validation/);
    expect(text).toMatch(/No run yet: `\/golive eng cp1 run`/);
    expect(text).toMatch(/☐ Database Administrator \(confirm connectivity \+ resources\)/);
    expect(h.fake.messages()).toHaveLength(0);
  });
});
