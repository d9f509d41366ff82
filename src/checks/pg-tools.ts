import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redactText } from '../redact.js';

/**
 * Running pg_dump / pg_restore against a target. The password never goes on
 * the command line (other users of the host can read it there): it goes into
 * a private pgpass file named by libpq's `passfile` parameter, removed after.
 */

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Killed because the check's signal aborted (timeout). */
  aborted: boolean;
  /** The program could not be started (not installed). */
  missing: boolean;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

export function runTool(program: string, args: string[], signal: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    let aborted = false;
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => {
      aborted = true;
      child.kill('SIGTERM');
      // pg_dump may ignore SIGTERM while it waits on the server.
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    const finish = (code: number | null, missing: boolean) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ code, stdout, stderr: redactText(stderr), durationMs: Math.round(performance.now() - started), aborted, missing });
    };
    child.on('error', (err: NodeJS.ErrnoException) => finish(null, err.code === 'ENOENT'));
    child.on('close', (code) => finish(code, false));
    if (signal.aborted) onAbort();
  });
}

/**
 * Calls `work` with a libpq connection URL for the target that carries no
 * password (a passfile holds it), plus an application_name to find the
 * session by.
 */
export async function withToolConnection<T>(targetUrl: string, applicationName: string, work: (dbUrl: string) => Promise<T>): Promise<T> {
  const url = new URL(targetUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  url.searchParams.set('application_name', applicationName);
  let dir: string | undefined;
  try {
    if (password) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'golive-pgpass-'));
      const file = path.join(dir, 'pgpass');
      const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
      await writeFile(file, `*:*:*:*:${esc(password)}\n`, { mode: 0o600 });
      url.searchParams.set('passfile', file);
    }
    return await work(url.toString());
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** The last meaningful line of a tool's stderr: what a person needs to read. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = [...lines].reverse().find((l) => /error|fatal|could not/i.test(l));
  return (errorLine ?? lines[lines.length - 1] ?? 'no output').slice(0, 300);
}
