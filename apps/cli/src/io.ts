/** Where a command writes; tests pass their own streams. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** True when stderr is a terminal (show progress bars). */
  readonly interactive: boolean;
  readonly cwd: string;
  /** Where `chat` reads lines from. Default: the process's standard input. */
  readonly stdin?: NodeJS.ReadableStream;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, interactive: Boolean(process.stderr.isTTY), cwd: process.cwd(), stdin: process.stdin };
}

/** A command returns its exit code: 0 ok, 1 the checked thing failed (tests, targets), 2 bad usage or input. */
export type CliCommand = (args: readonly string[], io: CliIO) => Promise<number>;
