import { createInterface } from 'node:readline';
import type { BottangoRuntime } from '@bottango/runtime';
import { parseArgs } from 'node:util';
import { botsDirOf, composeRuntime, frontOptions, startBot } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import { formatConversationEvent } from '@bottango/runtime';
import type { CliCommand, CliIO } from '../io.js';

export const CHAT_USAGE = `bottango chat --bots <dir> --start <bot> [--store <memory|sqlite:path|redis://…>] [--state <memory|sqlite:path|redis://…>] [--transport redis://…]
  Talk to the bots in a terminal; every transfer is shown with its Tango Context.
  --transport redis://…  the bots run as separate \`bottango agent\` processes: this terminal is only the front
                         (--store defaults to the same Redis)
  Commands: /quit, /state (the conversation state as JSON), /offline <bot>, /online <bot> (in-process only).
${PROJECT_USAGE}`;

export const chatCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { ...PROJECT_ARGS, bots: { type: 'string' }, start: { type: 'string' }, store: { type: 'string' }, state: { type: 'string' }, transport: { type: 'string' }, user: { type: 'string' } }, strict: true });
  const project = await readProject(values, io.cwd);
  const botsDir = botsDirOf(values.bots, project, 'chat', CHAT_USAGE);
  io.stderr.write('Loading bots…\n');
  const placement = frontOptions(values.transport ?? project.transport, values.store ?? project.store);
  const front = placement.localBots !== undefined;
  const { runtime, warnings } = await composeRuntime({ botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd, ...placement, ...(values.state ? { state: values.state } : {}) });
  try {
    for (const w of warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
    const start = startBot(runtime, values.start, 'chat', CHAT_USAGE);
    const conversationId = await runtime.startConversation({ botId: start, ...(values.user ? { userId: values.user } : {}) });
    io.stdout.write(`Talking to ${start} (bots: ${runtime.botIds.join(', ')}). /quit to leave.\n`);
    const input = io.stdin ?? process.stdin;
    const interactive = Boolean((input as NodeJS.ReadStream).isTTY);
    const rl = createInterface({ input, output: io.stdout, terminal: interactive });
    const prompt = (): void => {
      if (interactive) io.stdout.write('> ');
    };
    try {
      prompt();
      // Lines are handled one at a time, in order, until /quit or the end of the input (piped input works too).
      for await (const line of rl) {
        const text = line.trim();
        if (text === '/quit' || text === '/exit') break;
        if (text === '/state') io.stdout.write(`${JSON.stringify(await runtime.getConversation(conversationId), null, 2)}\n`);
        else if (/^\/(offline|online) /.test(text)) {
          if (front) io.stdout.write('the bots run as separate processes: stop or start their `bottango agent` instead\n');
          else toggleAgent(runtime, text, io);
        }
        else if (text !== '') {
          for (const event of await runtime.send(conversationId, text)) {
            if (event.type === 'user-message' && !event.system && interactive) continue;
            const formatted = formatConversationEvent(event);
            if (formatted !== undefined) io.stdout.write(`${formatted}\n`);
          }
        }
        prompt();
      }
    } finally {
      rl.close();
    }
    return 0;
  } finally {
    await runtime.close();
  }
};

function toggleAgent(runtime: BottangoRuntime, text: string, io: CliIO): void {
  const [, state, botId] = /^\/(offline|online) (\S+)$/.exec(text) ?? [];
  if (!state || !botId) {
    io.stdout.write('usage: /offline <bot> or /online <bot>\n');
    return;
  }
  try {
    runtime.setAgentStatus(botId, { connected: state === 'online' });
    io.stdout.write(`${botId} is ${state}\n`);
  } catch (error) {
    io.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
}
