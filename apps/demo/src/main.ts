// natural's optional dotenv loading must stay quiet; set before any plugin is imported.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { runDemo } = await import('./demo.js');
process.exitCode = await runDemo(process.argv.slice(2), process.stdout, process.stderr);
