import { parseArgs } from 'node:util';
import { rankGroupCandidates, type GroupCandidate } from '@bottango/runtime';
import { botsDirOf, composeRuntime } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand } from '../io.js';
import { UsageError } from '../usage-error.js';

export const ROUTE_USAGE = `bottango route "<text>" --bots <dir> [--group <id>] [--from <bot>] [--json]
  Shows which bot and dialog of a group would take the text — by pattern or intent, with the band — and the runner-up.
  --group defaults to the only group; with no groups every bot is considered. --from leaves out the bot holding the
  conversation (as an automatic transfer does). Bots that are not connected never take part.
${PROJECT_USAGE}`;

export const routeCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ...PROJECT_ARGS, bots: { type: 'string' }, group: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`route: give exactly one text to route (quote it), got ${positionals.length}`, ROUTE_USAGE);
  const text = positionals[0] as string;
  const project = await readProject(values, io.cwd);
  const botsDir = botsDirOf(values.bots, project, 'route', ROUTE_USAGE);
  const { runtime } = await composeRuntime({ botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd });
  try {
    const groups = [...runtime.groups.keys()];
    let group = values.group;
    if (group !== undefined && !runtime.groups.has(group)) throw new UsageError(`route: no group "${group}" (groups: ${groups.join(', ') || 'none'})`, ROUTE_USAGE);
    if (group === undefined && groups.length > 1) throw new UsageError(`route: several groups (${groups.join(', ')}); choose one with --group`, ROUTE_USAGE);
    group ??= groups[0];
    if (values.from !== undefined) {
      // The bot holding the conversation answers first when one of its own dialogs matches (no transfer).
      const own = runtime.bot(values.from).matchStarter(text);
      if (own.kind === 'pattern' || own.kind === 'intent' || own.kind === 'disambiguate') {
        const how = own.kind === 'pattern' ? `pattern "${own.pattern}"` : own.kind === 'intent' ? `intent ${own.intentId} ${own.score.toFixed(2)} ${own.band}` : `disambiguation between ${own.options.map((o) => o.name).join(', ')}`;
        if (values.json) io.stdout.write(`${JSON.stringify({ text, group: group ?? null, staysWith: values.from, match: own.kind === 'disambiguate' ? own : { ...own, dialog: own.dialog.name } })}\n`);
        else io.stdout.write(`"${text}": stays with ${values.from} · ${own.kind === 'disambiguate' ? 'asks the user' : `dialog "${own.dialog.name}"`} · ${how} (no transfer)\n`);
        return 0;
      }
    }
    const exclude = values.from === undefined ? [] : [values.from];
    const candidates =
      group === undefined ? rankGroupCandidates(runtime.botIds.filter((id) => !exclude.includes(id)).map((id) => runtime.bot(id)), text) : runtime.groupCandidates(group, text, exclude);
    const route = candidates.find((c) => c.eligible);
    const runnerUp = candidates.find((c) => c !== route);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ text, group: group ?? null, route: route ?? null, runnerUp: runnerUp ?? null, candidates })}\n`);
    } else {
      io.stdout.write(`"${text}" ${group === undefined ? 'across all bots' : `in group ${group}`}:\n`);
      io.stdout.write(route ? `  → ${describe(route)}\n` : `  → no bot would take it: ${values.from ?? 'the current bot'}'s fallback runs\n`);
      if (runnerUp) io.stdout.write(`  runner-up: ${describe(runnerUp)}${runnerUp.eligible ? '' : ' (would not transfer)'}\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
};

function describe(c: GroupCandidate): string {
  return c.by === 'pattern' ? `${c.botId} · dialog "${c.dialog}" · pattern "${c.pattern}"` : `${c.botId} · dialog "${c.dialog}" · intent ${c.intentId} ${(c.score ?? 0).toFixed(2)} ${c.band}`;
}
