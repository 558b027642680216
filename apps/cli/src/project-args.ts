import { loadProjectConfig, type ProjectConfig } from '@bottango/definitions';

/** The options every command that composes a runtime takes, for `parseArgs`. */
export const PROJECT_ARGS = {
  config: { type: 'string' },
  plugin: { type: 'string', multiple: true },
} as const;

/** Their lines in a command's usage. */
export const PROJECT_USAGE = `  --config <file>   the project file (default: bottango.config.yaml in the current folder, if there)
  --plugin <pkg>    load a plugin package by name, from the project's node_modules (repeatable)`;

/** The project a command runs in: `--config`, else the project file of the current folder, else none. */
export function readProject(values: { readonly config?: string | undefined }, cwd: string): Promise<ProjectConfig> {
  return loadProjectConfig({ cwd, ...(values.config === undefined ? {} : { file: values.config }) });
}
