import type { StandardSchemaV1 } from '@standard-schema/spec';

/** Marks a module export as a Bottango plugin, so the runtime can load plugins by package name. */
export const BOTTANGO_PLUGIN_BRAND = '@bottango/plugin@1';

/** A schema of a plugin's options in any Standard Schema library (zod 4, valibot, arktype, …). */
export type PluginOptionsSchema<TOptions> = StandardSchemaV1<unknown, TOptions>;

/**
 * What a plugin package exports as `bottangoPlugin`. `createModule` returns an inversify `ContainerModule`
 * (typed loosely here so core needs no inversify); it receives only this plugin's slice of configuration,
 * already checked against `optionsSchema` when the plugin declares one.
 */
export interface BottangoPlugin<TOptions = Record<string, unknown>> {
  readonly brand: typeof BOTTANGO_PLUGIN_BRAND;
  /** Shown by `bottango plugins` and in errors; usually the package name. */
  readonly name: string;
  /**
   * The options this plugin accepts. The runtime validates the configured options with it before `createModule`
   * and reports every issue with its field path; absent options are validated as `{}`.
   */
  readonly optionsSchema?: PluginOptionsSchema<TOptions>;
  createModule(options: TOptions): unknown;
}

export function definePlugin<TOptions>(plugin: Omit<BottangoPlugin<TOptions>, 'brand'>): BottangoPlugin<TOptions> {
  return { brand: BOTTANGO_PLUGIN_BRAND, ...plugin };
}

export function isBottangoPlugin(value: unknown): value is BottangoPlugin<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { brand?: unknown; name?: unknown; createModule?: unknown; optionsSchema?: unknown };
  return (
    candidate.brand === BOTTANGO_PLUGIN_BRAND &&
    typeof candidate.name === 'string' &&
    typeof candidate.createModule === 'function' &&
    (candidate.optionsSchema === undefined || isStandardSchema(candidate.optionsSchema))
  );
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null)?.['~standard'];
  return typeof standard === 'object' && standard !== null && standard.version === 1 && typeof standard.validate === 'function';
}

/** One problem with a plugin's options: where (`options.threshold`, `options.synonyms[2]`) and what. */
export interface PluginOptionsIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks options against the plugin's schema. Returns the parsed options (with the schema's defaults applied)
 * or every issue; a plugin without a schema gets the options as given.
 */
export async function validatePluginOptions<TOptions>(
  plugin: BottangoPlugin<TOptions>,
  options: unknown,
): Promise<{ readonly ok: true; readonly options: TOptions } | { readonly ok: false; readonly issues: readonly PluginOptionsIssue[] }> {
  const given = options ?? {};
  if (!plugin.optionsSchema) return { ok: true, options: given as TOptions };
  const result = await plugin.optionsSchema['~standard'].validate(given);
  if (result.issues === undefined) return { ok: true, options: result.value };
  return { ok: false, issues: result.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })) };
}

function issuePath(path: StandardSchemaV1.Issue['path']): string {
  let text = 'options';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    text += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

// npm's rules for a package name: lower case, URL-safe, optionally scoped, at most 214 characters.
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Whether `name` is an npm package name (plugins are loaded by package name, never by path). */
export function isPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE_NAME.test(name);
}
