import type { Duplex } from 'node:stream';
import type pg from 'pg';

/**
 * A lean query path for the load generator. node-postgres turns every
 * result row into JavaScript strings and objects; for a load test that only
 * counts rows, that costs the single Node process ten times the CPU pgbench
 * spends per request, and on a machine shared with the database (the demo,
 * CI) the load generator then starves itself instead of loading the server.
 *
 * So: pg.Client opens the session (authentication, TLS, startup settings),
 * then this takes its socket over and speaks the simple query protocol
 * directly, reading only message headers: rows are counted, errors keep
 * their SQLSTATE and message. The pg.Client must not be used for queries
 * afterwards; close() ends the session.
 */

export class WireQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WireQueryError';
  }
}

export interface WireSession {
  /** Run one statement; resolves with the number of rows returned. */
  query(sql: string): Promise<number>;
  /** The socket closed or failed: no more queries on this session. */
  readonly broken: boolean;
  close(): Promise<void>;
  /** Drop the socket at once (abort): a statement in flight fails with connection_lost. */
  destroy(): void;
}

interface Pending {
  resolve(rows: number): void;
  reject(err: Error): void;
  rows: number;
  error?: WireQueryError;
}

/** Take over a connected pg.Client's socket. Returns undefined when the client's internals are not as expected. */
export function takeOverSession(client: pg.Client): WireSession | undefined {
  const stream = (client as unknown as { connection?: { stream?: Duplex } }).connection?.stream;
  if (!stream || typeof stream.write !== 'function') return undefined;
  // pg's protocol parser listens for data; from here on only this reader does.
  stream.removeAllListeners('data');

  let pending: Pending | undefined;
  let broken = false;
  let leftover: Buffer | undefined;

  const fail = (err: Error) => {
    broken = true;
    const p = pending;
    pending = undefined;
    p?.reject(err);
  };
  stream.on('close', () => fail(new WireQueryError('connection_lost', 'the server closed the connection')));
  stream.on('error', (err: Error) => fail(new WireQueryError('connection_lost', err.message)));

  stream.on('data', (chunk: Buffer) => {
    const buf = leftover ? Buffer.concat([leftover, chunk]) : chunk;
    leftover = undefined;
    let offset = 0;
    while (buf.length - offset >= 5) {
      const type = buf[offset]!;
      const length = buf.readUInt32BE(offset + 1);
      if (buf.length - offset < 1 + length) break;
      const body = offset + 5;
      const end = offset + 1 + length;
      switch (type) {
        case 0x44: // D: DataRow
          if (pending) pending.rows++;
          break;
        case 0x45: // E: ErrorResponse
          if (pending) pending.error = errorOf(buf, body, end);
          break;
        case 0x5a: {
          // Z: ReadyForQuery, the statement is over.
          const p = pending;
          pending = undefined;
          if (p) (p.error ? p.reject(p.error) : p.resolve(p.rows));
          break;
        }
        // RowDescription, CommandComplete, notices, parameter status…: nothing to do.
      }
      offset = end;
    }
    if (offset < buf.length) leftover = buf.subarray(offset);
  });

  return {
    get broken() {
      return broken;
    },
    query(sql) {
      if (broken) return Promise.reject(new WireQueryError('connection_lost', 'the connection is closed'));
      if (pending) return Promise.reject(new Error('one statement at a time on a session'));
      const text = Buffer.from(sql, 'utf8');
      const message = Buffer.allocUnsafe(6 + text.length);
      message[0] = 0x51; // Q: simple Query
      message.writeUInt32BE(5 + text.length, 1);
      text.copy(message, 5);
      message[5 + text.length] = 0;
      return new Promise<number>((resolve, reject) => {
        pending = { resolve, reject, rows: 0 };
        stream.write(message);
      });
    },
    destroy() {
      broken = true;
      stream.destroy();
    },
    async close() {
      broken = true;
      // pg sends Terminate and ends the socket (or, when it is gone already, returns at once).
      await client.end().catch(() => {});
    },
  };
}

/** SQLSTATE and message out of an ErrorResponse body (fields: a type byte, then a C string). */
function errorOf(buf: Buffer, from: number, to: number): WireQueryError {
  let code = 'query';
  let message = 'the server reported an error';
  let i = from;
  while (i < to && buf[i] !== 0) {
    const field = buf[i]!;
    const stop = buf.indexOf(0, i + 1);
    if (stop < 0 || stop > to) break;
    const value = buf.toString('utf8', i + 1, stop);
    if (field === 0x43) code = value; // C
    else if (field === 0x4d) message = value; // M
    i = stop + 1;
  }
  return new WireQueryError(code, message);
}
