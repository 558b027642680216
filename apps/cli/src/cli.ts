import { readFileSync } from 'node:fs';
import { BottangoError } from '@bottango/core';
import { agentCommand, AGENT_USAGE } from './commands/agent.js';
import { chatCommand, CHAT_USAGE } from './commands/chat.js';
import { checkCommand, CHECK_USAGE } from './commands/check.js';
import { evalCommand, EVAL_USAGE } from './commands/eval.js';
import { evalRoutingCommand, EVAL_ROUTING_USAGE } from './commands/eval-routing.js';
import { newCommand, NEW_USAGE } from './commands/new.js';
import { pluginsCommand, PLUGINS_USAGE } from './commands/plugins.js';
import { routeCommand, ROUTE_USAGE } from './commands/route.js';
import { runCommand, RUN_USAGE } from './commands/run.js';
import { testCommand, TEST_USAGE } from './commands/test.js';
import { processIO, type CliCommand, type CliIO } from './io.js';
import { UsageError } from './usage-error.js';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  chat: { run: chatCommand, summary: 'talk to the bots of a directory in the terminal' },
  agent: { run: agentCommand, summary: 'run one bot as its own process (bots as separate services over Redis Streams)' },
  run: { run: runCommand, summary: 'send the lines of a file as user messages and print every event' },
  test: { run: testCommand, summary: 'run conversation scenario files' },
  eval: { run: evalCommand, summary: 'evaluate an intent matcher on a JSONL dataset' },
  'eval-routing': { run: evalRoutingCommand, summary: 'measure routing across many bots (one per domain) on a JSONL dataset' },
  route: { run: routeCommand, summary: 'show which bot and dialog of a group would take a text' },
  check: { run: checkCommand, summary: 'validate bots and check bot groups for overlaps' },
  plugins: { run: pluginsCommand, summary: 'list the plugins loaded here, with versions and what each provides' },
  new: { run: newCommand, summary: 'create a plugin package (matcher, normalizer, syntax or store) that passes its contract suite' },
};

export const USAGE = `Usage: bottango <command> [options]    (bottango --version prints the version)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(13)}${c.summary}`)
  .join('\n')}

${[CHAT_USAGE, AGENT_USAGE, RUN_USAGE, TEST_USAGE, EVAL_USAGE, EVAL_ROUTING_USAGE, ROUTE_USAGE, CHECK_USAGE, PLUGINS_USAGE, NEW_USAGE].join('\n\n')}

Run "bottango <command> --help" for a command's options.`;

/** The version of @bottango/cli, from its package.json (next to dist/ in the repository and in the package). */
function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** Exit code for a bug in bottango itself, distinct from 1 (a checked thing failed) and 2 (bad usage or input). */
export const EXIT_INTERNAL_ERROR = 70;

const COMMAND_USAGE: Record<string, string> = {
  chat: CHAT_USAGE,
  agent: AGENT_USAGE,
  run: RUN_USAGE,
  test: TEST_USAGE,
  eval: EVAL_USAGE,
  'eval-routing': EVAL_ROUTING_USAGE,
  route: ROUTE_USAGE,
  check: CHECK_USAGE,
  plugins: PLUGINS_USAGE,
  new: NEW_USAGE,
};

/** Runs the CLI; the one place where errors become exit codes and messages. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`bottango: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${COMMAND_USAGE[name] ?? USAGE}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`bottango ${error.message}\n\n${error.usage}\n`);
      return 2;
    }
    if (BottangoError.is(error)) {
      io.stderr.write(`bottango ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`bottango ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`bottango ${name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_INTERNAL_ERROR;
  }
}

