import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A command that failed, with everything it printed. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

export interface CommandResult {
  readonly code: number;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  readonly stdout: string;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Exit codes that count as success. Default [0]. */
  readonly okCodes?: readonly number[];
}

/** Runs a command; throws StepFailed with its whole output when it exits with a code not in `okCodes` or times out. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const shown = `${command} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StepFailed(`\`${shown}\` (in ${options.cwd}) did not finish in ${timeoutMs / 1000} s`, output));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new StepFailed(`\`${shown}\` could not start: ${error.message}`, output));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exit = code ?? 128;
      if ((options.okCodes ?? [0]).includes(exit)) resolve({ code: exit, output, stdout });
      else reject(new StepFailed(`\`${shown}\` (in ${options.cwd}) exited with ${code ?? signal}`, output));
    });
  });
}

/** Throws StepFailed unless `output` matches every pattern. */
export function expectOutput(result: CommandResult, patterns: readonly RegExp[], what: string): void {
  const missing = patterns.filter((p) => !p.test(result.output));
  if (missing.length > 0) throw new StepFailed(`${what}: the output lacks ${missing.map(String).join(', ')}`, result.output);
}

export interface StepTiming {
  readonly name: string;
  readonly seconds: number;
}

/** Runs named steps in order, printing each with its time; the first failure stops the run. */
export class Steps {
  readonly timings: StepTiming[] = [];

  constructor(private readonly log: (line: string) => void) {}

  async run<T>(name: string, body: () => Promise<T>): Promise<T> {
    this.log(`▶ ${name}`);
    const started = performance.now();
    try {
      const value = await body();
      const seconds = (performance.now() - started) / 1000;
      this.timings.push({ name, seconds });
      this.log(`✓ ${name} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      this.log(`✗ ${name} failed after ${seconds.toFixed(1)} s`);
      throw error;
    }
  }
}
