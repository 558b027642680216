#!/usr/bin/env node
// natural's optional dotenv loading must stay quiet; set before any plugin is imported.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2));
