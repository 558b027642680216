export { main, USAGE } from './cli.js';
export { composeRuntime, frontOptions, pluginReferences, pluginSearchPaths, type ComposeOptions, type ComposedRuntime } from './compose.js';
export { cacheDirArg, readProject } from './project-args.js';
