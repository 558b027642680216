import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BottangoError, type Logger } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { isLoopbackHost, parseApiKeys } from './auth.js';
import { createBottangoServer, SERVER_DEFAULTS, type BottangoServer, type BottangoServerOptions, type ListeningAddress } from './server.js';

/** The limit flags: flag name, option, what it counts, and how a value becomes the option. */
const LIMIT_FLAGS = [
  ['max-message-chars', 'maxMessageChars', 1],
  ['body-limit', 'bodyLimitBytes', 1],
  ['max-conversations-per-client', 'maxConversationsPerClient', 1],
  ['max-conversations-per-key', 'maxConversationsPerApiKey', 1],
  ['max-streams-per-conversation', 'maxStreamsPerConversation', 1],
  ['rate-limit', 'rateLimitPerMinute', 1],
  ['idle-minutes', 'idleExpiryMs', 60_000],
  ['request-timeout-ms', 'requestTimeoutMs', 1],
] as const;

export const SERVER_USAGE = `Usage: bottango-server --bots <dir> [--config <file>] [--plugin <pkg>…] [--store memory|sqlite:<path>|redis://host:port] [--state …] [--transport redis://…] [--port 8080] [--host 127.0.0.1]
                       [--api-keys-file <path>] [limits…]

Serves the bots of <dir> over HTTP: a JSON API for conversations and a live event stream (Server-Sent Events).

Options:
  --bots <dir>     folder of bot definitions (YAML); required unless the project file gives \`bots:\`
  --config <file>  the project file (default: bottango.config.yaml in the current folder, if there): plugins,
                   bots, store, state, transport; the options here win over it
  --plugin <pkg>   load a plugin package by name, from the project's node_modules (repeatable)
  --cache-dir <d>  where trained models are kept (default: the project file's cacheDir, else BOTTANGO_CACHE_DIR,
                   else $XDG_CACHE_HOME/bottango, else ~/.cache/bottango)
  --store <store>  Context Session Store: memory (default), sqlite:<path>, redis://host:port
  --state <store>  where conversation states live, same values; default: the --store backend, so with
                   sqlite or redis conversations survive a restart and several servers can share them
  --transport <t>  in-process (default), or redis://host:port: the bots run as separate \`bottango agent\`
                   processes and this server is their front (--store defaults to the same Redis)
  --port <port>    TCP port, 0 for any free one (default 8080)
  --host <host>    address to listen on (default 127.0.0.1); anything but loopback needs API keys
  --api-keys-file <path>  operator API keys, one a line (also BOTTANGO_API_KEYS, comma-separated). Without
                   keys the server is in local mode: loopback only, operator endpoints open there
  --log-level <l>  request log level on stderr (pino JSON lines): info (default, a line per request and
                   response), warn, error, or silent
  -h, --help       this text

Limits (429 or 4xx naming the limit when hit):
  --max-message-chars <n>             longest message text (default ${SERVER_DEFAULTS.maxMessageChars})
  --body-limit <bytes>                largest request body (default ${SERVER_DEFAULTS.bodyLimitBytes})
  --max-conversations-per-client <n>  open conversations per anonymous client/IP (default ${SERVER_DEFAULTS.maxConversationsPerClient})
  --max-conversations-per-key <n>     open conversations per API key (default ${SERVER_DEFAULTS.maxConversationsPerApiKey})
  --max-streams-per-conversation <n>  event streams open at once on one conversation (default ${SERVER_DEFAULTS.maxStreamsPerConversation})
  --rate-limit <n>                    requests a minute per anonymous client (default ${SERVER_DEFAULTS.rateLimitPerMinute})
  --idle-minutes <n>                  idle conversations are removed after this long (default ${SERVER_DEFAULTS.idleExpiryMs / 60_000})
  --request-timeout-ms <n>            a request must arrive whole within this (default ${SERVER_DEFAULTS.requestTimeoutMs})

Stops cleanly on SIGINT or SIGTERM. Exit codes: 0 stopped, 1 start-up failed, 2 bad command line.`;

export interface ServerCliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  /** Environment (BOTTANGO_API_KEYS); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
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
  let values: { plugin?: string[] | undefined; 'cache-dir'?: string | undefined; config?: string | undefined; bots?: string | undefined; store?: string | undefined; state?: string | undefined; transport?: string | undefined; port?: string | undefined; host?: string | undefined; help?: boolean | undefined; 'api-keys-file'?: string | undefined; 'log-level'?: string | undefined } & Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        bots: { type: 'string' },
        config: { type: 'string' },
        plugin: { type: 'string', multiple: true },
        'cache-dir': { type: 'string' },
        store: { type: 'string' },
        state: { type: 'string' },
        transport: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'api-keys-file': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(LIMIT_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
      },
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
  if (values.bots !== undefined && values.bots.trim() === '') return usageError('--bots <dir> must name a folder');
  const port = values.port === undefined ? 8080 : /^\d+$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) return usageError(`--port must be a whole number from 0 to 65535, got "${values.port ?? ''}"`);
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') return usageError('--host must not be empty');
  const logLevel = values['log-level'] ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) return usageError(`--log-level must be info, warn, error or silent, got "${logLevel}"`);
  const limits: Record<string, number> = {};
  for (const [flag, option, unit] of LIMIT_FLAGS) {
    const raw = values[flag];
    if (typeof raw !== 'string') continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) return usageError(`--${flag} must be a whole number of at least 1, got "${raw}"`);
    limits[option] = Number(raw) * unit;
  }
  let apiKeys: string[];
  try {
    const file = values['api-keys-file'];
    apiKeys = parseApiKeys(file === undefined ? undefined : readFileSync(resolve(io.cwd, file), 'utf8'), (io.env ?? process.env).BOTTANGO_API_KEYS);
  } catch (error) {
    return usageError(`--api-keys-file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (values['api-keys-file'] !== undefined && apiKeys.length === 0) return usageError(`--api-keys-file: ${values['api-keys-file']} holds no keys`);
  if (apiKeys.length === 0 && !isLoopbackHost(host)) {
    return usageError(`refusing to listen on ${host} without operator API keys (anyone reaching it could take bots offline); give --api-keys-file <path> or BOTTANGO_API_KEYS, or listen on 127.0.0.1`);
  }
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

  const { cacheDirArg, composeRuntime, frontOptions, readProject } = await import('@bottango/cli');
  let project: Awaited<ReturnType<typeof readProject>>;
  try {
    project = await readProject(values, io.cwd);
  } catch (error) {
    io.stderr.write(`bottango-server: ${describeError(error)}\n`);
    return { kind: 'exit', code: 2 };
  }
  const botsDir = values.bots ?? project.bots;
  if (botsDir === undefined) return usageError('--bots <dir> is required (or `bots:` in bottango.config.yaml)');
  let runtime: BottangoRuntime;
  try {
    const composed = await composeRuntime({
      botsDir,
      project,
      plugins: values.plugin ?? [],
      ...cacheDirArg(values, io.cwd),
      cwd: io.cwd,
      logger: stderrLogger(io.stderr),
      ...frontOptions(values.transport ?? project.transport, values.store ?? project.store),
      ...(values.state !== undefined ? { state: values.state } : {}),
    });
    runtime = composed.runtime;
    for (const w of composed.warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
  } catch (error) {
    io.stderr.write(`bottango-server: cannot start: ${describeError(error)}\n`);
    return { kind: 'exit', code: 1 };
  }
  if (runtime.botIds.length === 0) {
    await runtime.close();
    io.stderr.write(`bottango-server: cannot start: ${botsDir} has no bots\n`);
    return { kind: 'exit', code: 1 };
  }
  const serverOptions: BottangoServerOptions = { ...limits, apiKeys, logger: stderrLogger(io.stderr), requestLog: logLevel === 'silent' ? false : { level: logLevel as 'info', stream: io.stderr } };
  const server = createBottangoServer(runtime, serverOptions);
  let address: ListeningAddress;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    await server.close();
    io.stderr.write(`bottango-server: cannot listen on ${host}:${port}: ${describeError(error)}\n`);
    return { kind: 'exit', code: 1 };
  }
  io.stdout.write(`bottango-server listening on ${address.url} (${runtime.botIds.length} bots: ${runtime.botIds.join(', ')})\n`);
  if (apiKeys.length === 0) io.stderr.write('bottango-server: local mode (no API keys): loopback only, operator endpoints open to this machine\n');
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
