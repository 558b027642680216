/** Marks a module export as a Bottango plugin, so the runtime can load plugins by package name. */
export const BOTTANGO_PLUGIN_BRAND = '@bottango/plugin@1';

/**
 * What a plugin package exports as `bottangoPlugin`. `createModule` returns an inversify `ContainerModule`
 * (typed loosely here so core needs no inversify); it receives only this plugin's slice of configuration.
 */
export interface BottangoPlugin<TOptions = Record<string, unknown>> {
  readonly brand: typeof BOTTANGO_PLUGIN_BRAND;
  readonly name: string;
  createModule(options: TOptions): unknown;
}

export function definePlugin<TOptions>(plugin: Omit<BottangoPlugin<TOptions>, 'brand'>): BottangoPlugin<TOptions> {
  return { brand: BOTTANGO_PLUGIN_BRAND, ...plugin };
}

export function isBottangoPlugin(value: unknown): value is BottangoPlugin<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { brand?: unknown }).brand === BOTTANGO_PLUGIN_BRAND &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { createModule?: unknown }).createModule === 'function'
  );
}
