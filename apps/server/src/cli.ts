import { parseArgs } from 'node:util';
import { BottangoError, type Logger } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { createBottangoServer, type BottangoServer, type ListeningAddress } from './server.js';

export const SERVER_USAGE = `Usage: bottango-server --bots <dir> [--store memory|sqlite:<path>|redis://host:port] [--state …] [--transport redis://…] [--port 8080] [--host 127.0.0.1]

Serves the bots of <dir> over HTTP: a JSON API for conversations and a live event stream (Server-Sent Events).

Options:
  --bots <dir>     folder of bot definitions (YAML); required
  --store <store>  Context Session Store: memory (default), sqlite:<path>, redis://host:port
  --state <store>  where conversation states live, same values; default: the --store backend, so with
                   sqlite or redis conversations survive a restart and several servers can share them
  --transport <t>  in-process (default), or redis://host:port: the bots run as separate \`bottango agent\`
                   processes and this server is their front (--store defaults to the same Redis)
  --port <port>    TCP port, 0 for any free one (default 8080)
  --host <host>    address to listen on (default 127.0.0.1)
  -h, --help       this text

Stops cleanly on SIGINT or SIGTERM. Exit codes: 0 stopped, 1 start-up failed, 2 bad command line.`;

export interface ServerCliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

/** What `runServerCli` ended with: an exit code, or a server now listening (the caller stops it). */
export type RunningServerCli =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'listening'; readonly server: BottangoServer; readonly address: ListeningAddress };

/** Parses the command line, loads the bots and starts listening; the one place where start-up errors become exit codes. */
export async function runServerCli(argv: readonly string[], io: ServerCliIO): Promise<RunningServerCli> {
  const usageError = (message: string): RunningServerCli => {
    io.stderr.write(`bottango-server: ${message}\n\n${SERVER_USAGE}\n`);
    return { kind: 'exit', code: 2 };
  };
  let values: { bots?: string | undefined; store?: string | undefined; state?: string | undefined; transport?: string | undefined; port?: string | undefined; host?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { bots: { type: 'string' }, store: { type: 'string' }, state: { type: 'string' }, transport: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    io.stdout.write(`${SERVER_USAGE}\n`);
    return { kind: 'exit', code: 0 };
  }
  if (values.bots === undefined || values.bots.trim() === '') return usageError('--bots <dir> is required');
  const port = values.port === undefined ? 8080 : /^\d+$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) return usageError(`--port must be a whole number from 0 to 65535, got "${values.port ?? ''}"`);
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') return usageError('--host must not be empty');
  // The runtime and the NLU plugins load only once the command line is known to be good (a usage error answers at once).
  if (values.store !== undefined || values.state !== undefined || values.transport !== undefined) {
    const { statePluginFor, storePluginFor, transportPluginFor } = await import('@bottango/runtime');
    for (const [flag, value, check] of [['--store', values.store, storePluginFor], ['--state', values.state, statePluginFor], ['--transport', values.transport, transportPluginFor]] as const) {
      try {
        if (value !== undefined) check(value);
      } catch (error) {
        return usageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  let runtime: BottangoRuntime;
  try {
    const { composeRuntime } = await import('@bottango/cli');
    const front = values.transport !== undefined && values.transport !== 'in-process';
    const store = values.store ?? (front ? values.transport : undefined);
    const composed = await composeRuntime({
      botsDir: values.bots,
      cwd: io.cwd,
      logger: stderrLogger(io.stderr),
      ...(store !== undefined ? { store } : {}),
      ...(values.state !== undefined ? { state: values.state } : {}),
      ...(front && values.transport ? { transport: values.transport, localBots: [] } : {}),
    });
    runtime = composed.runtime;
    for (const w of composed.warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
  } catch (error) {
    io.stderr.write(`bottango-server: cannot start: ${describeError(error)}\n`);
    return { kind: 'exit', code: 1 };
  }
  if (runtime.botIds.length === 0) {
    await runtime.close();
    io.stderr.write(`bottango-server: cannot start: ${values.bots} has no bots\n`);
    return { kind: 'exit', code: 1 };
  }
  const server = createBottangoServer(runtime, { logger: stderrLogger(io.stderr) });
  let address: ListeningAddress;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    await server.close();
    io.stderr.write(`bottango-server: cannot listen on ${host}:${port}: ${describeError(error)}\n`);
    return { kind: 'exit', code: 1 };
  }
  io.stdout.write(`bottango-server listening on ${address.url} (${runtime.botIds.length} bots: ${runtime.botIds.join(', ')})\n`);
  return { kind: 'listening', server, address };
}

function describeError(error: unknown): string {
  if (BottangoError.is(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Warnings and errors of the runtime and the server, one line each on stderr. */
function stderrLogger(stderr: NodeJS.WritableStream): Logger {
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      stderr.write(`[${level}] ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}\n`);
    };
  return { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
}
