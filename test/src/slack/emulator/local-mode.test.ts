import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { migrateDatabase } from '../../../../src/demo/setup.js';
import { fromRoot } from '../../../../src/paths.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../../../src/demo/databases.js';
import { ensureDemoTemplate } from '../../../../src/demo/template.js';
import { uniqueDatabaseName } from '../../demo/support.js';
import { deleteQueueKeys } from '../../../support/harness.js';
import { REDIS_URL, SERVER_URL } from '../../../support/constants.js';
import { spawnEntry, type Spawned } from '../../../support/spawn.js';
import { createTestStateDb, testQueuePrefix, type TestStateDb } from '../../../support/state-db.js';

/**
 * Local mode as a newcomer meets it: `npm start` without a Slack token, the
 * emulator page in a real (headless) Chromium, a checkpoint run, a sign-off.
 * Everything the page does goes through the same signed POST /slack/events.
 */
describe('local mode in a browser', { timeout: 300_000 }, () => {
  let stateDb: TestStateDb;
  // The demo plan's cp1 expects the demo's size (200,000 rows): the browser
  // test copies a template of that size (its own, never the demo environments).
  let envs: { name: string; url: string }[] = [];
  let golive: Spawned;
  let browser: Browser;
  let page: Page;
  const prefix = testQueuePrefix('local');
  let port = 0;

  beforeAll(async () => {
    stateDb = await createTestStateDb('local');
    const { name: template } = await ensureDemoTemplate({ serverUrl: SERVER_URL, prefix: 'golive_tlocal', rows: 200_000 });
    envs = [];
    for (const env of ['shadow', 'staging', 'production']) {
      const name = uniqueDatabaseName(`local_${env}`);
      envs.push({ name, url: await createDatabaseFromTemplate(SERVER_URL, template, name) });
    }
    await migrateDatabase(envs[0]!.url);
    port = await freePort();
    golive = spawnEntry('src/bin/start.ts', {
      DATABASE_URL: stateDb.url,
      REDIS_URL,
      GOLIVE_QUEUE_PREFIX: prefix,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      GOLIVE_ENV_SHADOW_URL: envs[0]!.url,
      GOLIVE_ENV_STAGING_URL: envs[1]!.url,
      GOLIVE_ENV_PRODUCTION_URL: envs[2]!.url,
    });
    await golive.waitFor(/ready: open http:\/\/localhost:\d+\//, 180_000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    if (golive) {
      golive.child.kill('SIGTERM');
      await golive.exited;
    }
    for (const env of envs) await dropDatabase(SERVER_URL, env.name);
    await stateDb?.drop();
    await deleteQueueKeys(prefix);
  });

  it('runs cp1, takes the attestations, posts the sign-off card, and records a DBA sign-off after switching user', async () => {
    expect(golive.output()).toMatch(/demo environments: present/);
    await page.goto(`http://localhost:${port}/`);
    await page.getByLabel('Acting as').selectOption('U0DBA0001');

    await send(page, '/golive cp1 run');
    // The run card appears at once and is updated in place until it shows a decision.
    const card = page.locator('.message', { hasText: 'CP1' }).first();
    await card.waitFor();
    await expect.poll(() => card.innerText(), { timeout: 180_000, interval: 1000 }).toMatch(/INCOMPLETE|PASS/);

    // Two checks are for the Infrastructure Team to attest by hand.
    await page.getByLabel('Acting as').selectOption('U0INF0001');
    for (let i = 0; i < 2; i++) {
      await card.getByRole('button', { name: 'Attest' }).first().click();
      await expect.poll(() => card.getByRole('button', { name: 'Attest' }).count(), { timeout: 30_000 }).toBe(1 - i);
    }
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toMatch(/PASS/);

    await send(page, '/golive cp1 signoff');
    const signButton = page.getByRole('button', { name: 'Sign off as Database Administrator' });
    await signButton.waitFor({ timeout: 30_000 });

    // Someone without the role is refused, ephemerally.
    await page.getByLabel('Acting as').selectOption('U0PMG0001');
    await signButton.click();
    await expect.poll(() => page.locator('.ephemeral').last().innerText(), { timeout: 30_000 }).toMatch(/Database Administrator/);

    await page.getByLabel('Acting as').selectOption('U0DBA0001');
    await page.getByRole('button', { name: 'Sign off as Database Administrator' }).click();
    const signoffCard = page.locator('.message', { hasText: 'Sign-off' }).last();
    await expect.poll(() => signoffCard.innerText(), { timeout: 30_000 }).toMatch(/✅.*Database Administrator|Database Administrator.*✅/s);

    await page.screenshot({ path: fromRoot('docs', 'local-mode.png'), fullPage: false });
  });
});

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
