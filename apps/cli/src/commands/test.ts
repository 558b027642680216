import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeRuntime } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand } from '../io.js';
import { loadScenarioFile } from '../scenarios/load.js';
import { runScenarioFile, type ScenarioResult } from '../scenarios/run.js';
import { UsageError } from '../usage-error.js';

export const TEST_USAGE = `bottango test <scenario.yaml…> [--store <memory|sqlite:path|redis://…>] [--state <…>] [--json]
  Runs conversation tests (the format: the README's "Scenario files", the JSON Schema scenario.schema.json).
  Each scenario runs on a new runtime and store with a fake clock, unless its file says isolation: file.
  Exit code 0 when all pass, 1 when any fails, 2 on bad input.
${PROJECT_USAGE}`;

export const testCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({ args: [...args], options: { ...PROJECT_ARGS, store: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError('test: name at least one scenario file', TEST_USAGE);
  const project = await readProject(values, io.cwd);
  const files = await Promise.all(positionals.map((f) => loadScenarioFile(resolve(io.cwd, f))));
  const results: ScenarioResult[] = [];
  for (const file of files) {
    const store = values.store ?? file.store ?? project.store;
    const compose = async (botsDir: string, clock: Parameters<typeof composeRuntime>[0]['clock']) =>
      (await composeRuntime({ botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd, ...(store ? { store } : {}), ...(values.state ? { state: values.state } : {}), ...(clock ? { clock } : {}) })).runtime;
    results.push(
      ...(await runScenarioFile(file, compose, (result) => {
        if (values.json) return;
        io.stdout.write(`${result.passed ? '✓' : '✗'} ${relative(io.cwd, file.file)}: ${result.name}\n`);
        for (const failure of result.failures) io.stdout.write(`    ${failure}\n`);
      })),
    );
  }
  const failed = results.filter((r) => !r.passed).length;
  if (values.json) io.stdout.write(`${JSON.stringify({ passed: results.length - failed, failed, results })}\n`);
  else io.stdout.write(`\n${results.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
};
