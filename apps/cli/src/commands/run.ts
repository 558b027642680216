import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { botsDirOf, composeRuntime, startBot } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import { formatConversationEvent } from '@bottango/runtime';
import type { CliCommand } from '../io.js';
import { UsageError } from '../usage-error.js';

export const RUN_USAGE = `bottango run --bots <dir> --input <file> --start <bot> [--store <memory|sqlite:path|redis://…>] [--state <memory|sqlite:path|redis://…>] [--json]
  Sends each line of <file> as a user message to one conversation and prints every event.
  --json prints one JSON object per event per line (type: user-message, bot-message, dialog-started,
  transfer, transfer-failed, fallback, disambiguation, dialog-ended, error).
${PROJECT_USAGE}`;

export const runCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({
    args: [...args],
    options: { ...PROJECT_ARGS, bots: { type: 'string' }, input: { type: 'string' }, start: { type: 'string' }, store: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false }, user: { type: 'string' } },
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
