export { main, USAGE } from './cli.js';
export { composeRuntime, frontOptions, type ComposeOptions, type ComposedRuntime } from './compose.js';
