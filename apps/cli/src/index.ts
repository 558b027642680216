export { main, USAGE } from './cli.js';
export { composeRuntime, type ComposeOptions, type ComposedRuntime } from './compose.js';
