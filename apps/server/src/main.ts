#!/usr/bin/env node
// natural's optional dotenv loading must stay quiet; set before any plugin is imported.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { runServerCli } = await import('./cli.js');

const outcome = await runServerCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
if (outcome.kind === 'exit') {
  process.exitCode = outcome.code;
} else {
  const { server } = outcome;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`bottango-server: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`bottango-server: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bottango-server: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
