import { parseArgs } from 'node:util';
import { botsDirOf, composeRuntime } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand } from '../io.js';

export const CHECK_USAGE = `bottango check --bots <dir> [--json] [--strict]
  Loads and validates the bots, then checks every bot group: overlapping patterns and intents between its bots,
  more than 15 bots, collaboration off. Exit 0 with warnings; with --strict, exit 1 when anything is reported.
${PROJECT_USAGE}`;

export const checkCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { ...PROJECT_ARGS, bots: { type: 'string' }, json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false } }, strict: true });
  const project = await readProject(values, io.cwd);
  const botsDir = botsDirOf(values.bots, project, 'check', CHECK_USAGE);
  const { runtime, warnings } = await composeRuntime({ botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd });
  try {
    const reports = [...runtime.groups.keys()].map((g) => runtime.checkGroup(g));
    const findings = warnings.length + reports.reduce((n, r) => n + r.warnings.length + r.overlaps.length, 0);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ bots: runtime.botIds, warnings, groups: reports })}\n`);
    } else {
      io.stdout.write(`${runtime.botIds.length} bots load: ${runtime.botIds.join(', ')}\n`);
      for (const w of warnings) io.stdout.write(`warning: ${w.file}${w.line ? `:${w.line}` : ''}: ${w.path}: ${w.message}\n`);
      for (const report of reports) {
        io.stdout.write(`group ${report.group} (${report.bots.length} bots, collaboration ${report.collaboration ? 'on' : 'off'}):\n`);
        for (const w of report.warnings) io.stdout.write(`  warning: ${w}\n`);
        for (const o of report.overlaps) {
          const what =
            o.kind === 'same-pattern'
              ? `both have pattern "${o.a}"`
              : o.kind === 'pattern-catches-phrase'
                ? `pattern "${o.a}" of ${o.botA} catches ${o.botB}'s training phrase ${o.b}`
                : `${o.botB}'s intent ${o.b} takes ${o.count} of ${o.botA}'s ${o.a} phrases at GOOD or better, e.g. "${o.example}"`;
          io.stdout.write(`  overlap ${o.botA} / ${o.botB}: ${what}\n`);
        }
        if (report.warnings.length + report.overlaps.length === 0) io.stdout.write('  no overlaps\n');
      }
    }
    return values.strict && findings > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
};
