import { redactText } from '../redact.js';

/**
 * One plain sentence for a failure to reach or query a target database: what
 * a person reading the run card needs to act on, never a stack trace and never
 * a password.
 */
export function describeDatabaseError(err: unknown, targetUrl: string): string {
  const where = hostOf(targetUrl);
  const e = (err ?? {}) as { code?: string; message?: string; errors?: unknown[] };
  // Node reports a refused dual-stack connect as an AggregateError with the real errors inside.
  const code = e.code ?? (Array.isArray(e.errors) ? (e.errors[0] as { code?: string } | undefined)?.code : undefined);
  const message = e.message ?? String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}: is the database running and the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${where} not found: check the environment's URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} (${code}): check the network path or tunnel`;
    case 'ECONNRESET':
      return `${where} closed the connection`;
    case '28P01':
    case '28000':
      return `authentication failed at ${where}: check the user and password of the environment's URL`;
    case '3D000':
      return `database ${databaseOf(targetUrl)} does not exist on ${where}`;
    case '57014':
      return 'the query was cancelled: statement_timeout reached';
    case '57P01':
    case '57P03':
      return `${where} is shutting down or starting up`;
    case '53300':
      return `${where} has no free connection slots (too many clients)`;
    case '25006':
      return 'the query tried to write inside a read-only check';
  }
  if (/timeout expired|connection timeout|timed out/i.test(message)) return `no answer from ${where} in time`;
  if (/Connection terminated/i.test(message)) return `the connection to ${where} was closed`;
  return redactText(message);
}

export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the database';
  }
}

export function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return '?';
  }
}
