import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BottangoRuntime } from '@bottango/runtime';
import { botsDirOf, composeRuntime, startBot } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import { formatConversationEvent } from '@bottango/runtime';
import type { CliCommand } from '../io.js';
import { UsageError } from '../usage-error.js';

export const RUN_USAGE = `bottango run --bots <dir> --input <file> --start <bot> [--offline <bot>]… [--rejecting <bot>]… [--user <id>] [--store <memory|sqlite:path|redis://…>] [--state <memory|sqlite:path|redis://…>] [--json]
  Sends each line of <file> as a user message to one conversation and prints every event.
  --offline <bot>    that bot's agent is not connected (transfers to it fail late); repeatable
  --rejecting <bot>  that bot's agent is connected but refuses transfers; repeatable
                     (as a scenario's agents: online, the default, offline or rejecting)
  --json prints one JSON object per event per line (type: user-message, bot-message, dialog-started,
  transfer, transfer-failed, fallback, disambiguation, dialog-ended, error).
${PROJECT_USAGE}`;

export const runCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({
    args: [...args],
    options: { ...PROJECT_ARGS, bots: { type: 'string' }, input: { type: 'string' }, start: { type: 'string' }, store: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false }, user: { type: 'string' }, offline: { type: 'string', multiple: true }, rejecting: { type: 'string', multiple: true } },
    strict: true,
  });
  const project = await readProject(values, io.cwd);
  const botsDir = botsDirOf(values.bots, project, 'run', RUN_USAGE);
  if (!values.input) throw new UsageError('run: --input <file> is required (one user message per line)', RUN_USAGE);
  const inputPath = resolve(io.cwd, values.input);
  let text: string;
  try {
    text = await readFile(inputPath, 'utf8');
  } catch (error) {
    throw new UsageError(`run: cannot read --input ${inputPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, RUN_USAGE);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const { runtime, warnings } = await composeRuntime({ botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd, ...(values.store ? { store: values.store } : {}), ...(values.state ? { state: values.state } : {}) });
  try {
    if (!values.json) for (const w of warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
    const start = startBot(runtime, values.start, 'run', RUN_USAGE);
    setAgentOptions(runtime, { offline: values.offline ?? [], rejecting: values.rejecting ?? [] });
    const conversationId = await runtime.startConversation({ botId: start, ...(values.user ? { userId: values.user } : {}) });
    for (const line of lines) {
      for (const event of await runtime.send(conversationId, line)) {
        if (values.json) io.stdout.write(`${JSON.stringify(event)}\n`);
        else {
          const formatted = formatConversationEvent(event);
          if (formatted !== undefined) io.stdout.write(`${formatted}\n`);
        }
      }
    }
    return 0;
  } finally {
    await runtime.close();
  }
};

/** `--offline` and `--rejecting`: agent statuses before the first message; a bot that does not exist is a usage error. */
function setAgentOptions(runtime: BottangoRuntime, agents: { readonly offline: readonly string[]; readonly rejecting: readonly string[] }): void {
  for (const [option, bots] of Object.entries(agents)) {
    for (const botId of bots) {
      if (!runtime.botIds.includes(botId)) throw new UsageError(`run: --${option} ${botId}: no such bot (bots: ${runtime.botIds.join(', ')})`, RUN_USAGE);
      if (agents.offline.includes(botId) && agents.rejecting.includes(botId)) throw new UsageError(`run: ${botId} is given both --offline and --rejecting`, RUN_USAGE);
      runtime.setAgentStatus(botId, { connected: option !== 'offline', acceptsTransfers: false });
    }
  }
}
