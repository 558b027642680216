import { definePlugin, type BottangoPlugin } from '@bottango/core';
import { PatternMatcherModule, patternMatcherOptionsSchema, type PatternMatcherModuleOptions } from './pattern-matcher-module.js';

export const bottangoPlugin: BottangoPlugin<PatternMatcherModuleOptions> = definePlugin({
  name: '@bottango/matcher-pattern',
  optionsSchema: patternMatcherOptionsSchema,
  createModule: (options) => PatternMatcherModule.fromOptions(options),
});
