import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults and local mode without a bot token', () => {
    const config = loadConfig({});
    expect(config.slack.mode).toBe('local');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/golive');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.planFiles).toEqual(['plans/demo.yaml']);
    expect(config.rolesFile).toBe('roles.example.yaml');
    expect(config.port).toBe(3000);
    expect(config.environments).toEqual({
      shadow: 'postgres://postgres@127.0.0.1:5432/golive_demo_shadow',
      staging: 'postgres://postgres@127.0.0.1:5432/golive_demo_staging',
      production: 'postgres://postgres@127.0.0.1:5432/golive_demo_production',
    });
  });

  it('reads HTTP mode, several plans, environments and a base URL without its trailing slash', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's3cret',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      GOLIVE_PLAN: 'plans/opt1.yaml, plans/demo.yaml',
      GOLIVE_ENV_STAGING_URL: 'postgres://golive:pw@db.internal:5432/villa_canabrava',
      GOLIVE_ENV_DR_SITE_URL: 'postgresql://db2/x',
      PORT: '8080',
    });
    expect(config.slack).toMatchObject({ mode: 'http', botToken: 'xoxb-1', signingSecret: 's3cret', apiUrl: 'http://127.0.0.1:9999/api/' });
    expect(config.planFiles).toEqual(['plans/opt1.yaml', 'plans/demo.yaml']);
    expect(config.environments.staging).toBe('postgres://golive:pw@db.internal:5432/villa_canabrava');
    expect(config.environments.dr_site).toBe('postgresql://db2/x');
    expect(config.port).toBe(8080);
  });

  it('chooses Socket Mode when an app token is set', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.mode).toBe('socket');
  });

  it('lists every problem at once, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root:hunter2@db/golive',
        REDIS_URL: 'nope',
        SLACK_BOT_TOKEN: 'bad-token',
        GOLIVE_ENV_STAGING_URL: 'http://x',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'SLACK_BOT_TOKEN', 'GOLIVE_ENV_STAGING_URL', 'LOG_LEVEL']) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('bad-token');
  });

  it('treats an empty value as unset, as a .env file writes it', () => {
    const config = loadConfig({ GOLIVE_PROMETHEUS_URL: '', SLACK_BOT_TOKEN: ' ', PORT: '' });
    expect(config.prometheus).toBeUndefined();
    expect(config.slack.mode).toBe('local');
    expect(config.port).toBe(3000);
  });

  it('requires a signing secret in HTTP mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
  });
});
