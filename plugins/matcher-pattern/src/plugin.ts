import { definePlugin } from '@bottango/core';
import { PatternMatcherModule, parsePatternMatcherOptions } from './pattern-matcher-module.js';

export const bottangoPlugin = definePlugin<Record<string, unknown>>({
  name: '@bottango/matcher-pattern',
  createModule: (options) => PatternMatcherModule.fromOptions(parsePatternMatcherOptions(options)),
});
