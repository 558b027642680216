import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BottangoRuntime } from '@bottango/runtime';
import { composeRuntime } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand } from '../io.js';
import { loadScenarioFile, runScenario, type ScenarioResult } from '../scenarios.js';
import { UsageError } from '../usage-error.js';

export const TEST_USAGE = `bottango test <scenario.yaml…> [--store <memory|sqlite:path|redis://…>] [--state <…>] [--json]
  Runs conversation tests. Exit code 0 when all pass, 1 when any fails, 2 on bad input.
${PROJECT_USAGE}`;

export const testCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({ args: [...args], options: { ...PROJECT_ARGS, store: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError('test: name at least one scenario file', TEST_USAGE);
  const project = await readProject(values, io.cwd);
  const files = await Promise.all(positionals.map((f) => loadScenarioFile(resolve(io.cwd, f))));
  const runtimes = new Map<string, BottangoRuntime>();
  const results: ScenarioResult[] = [];
  try {
    for (const file of files) {
      const store = values.store ?? file.store ?? project.store;
      const key = `${file.botsDir}\u0000${store ?? ''}`;
      let runtime = runtimes.get(key);
      if (!runtime) {
        runtime = (await composeRuntime({ botsDir: file.botsDir, project, plugins: values.plugin ?? [], ...cacheDirArg(values, io.cwd), cwd: io.cwd, ...(store ? { store } : {}), ...(values.state ? { state: values.state } : {}) })).runtime;
        runtimes.set(key, runtime);
      }
      for (const scenario of file.scenarios) {
        const result = await runScenario(runtime, scenario, file.file);
        results.push(result);
        if (!values.json) {
          io.stdout.write(`${result.passed ? '✓' : '✗'} ${relative(io.cwd, file.file)}: ${result.name}\n`);
          for (const failure of result.failures) io.stdout.write(`    ${failure}\n`);
        }
      }
    }
  } finally {
    for (const runtime of runtimes.values()) await runtime.close();
  }
  const failed = results.filter((r) => !r.passed).length;
  if (values.json) io.stdout.write(`${JSON.stringify({ passed: results.length - failed, failed, results })}\n`);
  else io.stdout.write(`\n${results.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
};
