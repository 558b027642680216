import { resolve } from 'node:path';
import { loadProjectConfig, type ProjectConfig } from '@bottango/definitions';

/** The options every command that composes a runtime takes, for `parseArgs`. */
export const PROJECT_ARGS = {
  config: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  'cache-dir': { type: 'string' },
} as const;

/** Their lines in a command's usage. */
export const PROJECT_USAGE = `  --config <file>   the project file (default: bottango.config.yaml in the current folder, if there)
  --plugin <pkg>    load a plugin package by name, from the project's node_modules (repeatable)
  --cache-dir <dir> where trained models are kept (default: the project file's cacheDir, else BOTTANGO_CACHE_DIR,
                    else $XDG_CACHE_HOME/bottango, else ~/.cache/bottango)`;

/** The project a command runs in: `--config`, else the project file of the current folder, else none. */
export function readProject(values: { readonly config?: string | undefined }, cwd: string): Promise<ProjectConfig> {
  return loadProjectConfig({ cwd, ...(values.config === undefined ? {} : { file: values.config }) });
}

/** `--cache-dir`, made absolute, as a compose option (absent: the project's or the default cache folder). */
export function cacheDirArg(values: { readonly 'cache-dir'?: string | undefined }, cwd: string): { cacheDir?: string } {
  const dir = values['cache-dir'];
  return dir === undefined ? {} : { cacheDir: resolve(cwd, dir) };
}
