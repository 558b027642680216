export { normalizeForPatterns } from './normalize.js';
export { compileStarterPattern, CompiledPattern, type PatternStrategy } from './compile-pattern.js';
export { matchesExcludeKeyword } from './exclude-keywords.js';
export { PatternSyntax } from './pattern-syntax.js';
export { PatternMatcherModule, patternMatcherOptionsSchema, type PatternMatcherModuleOptions } from './pattern-matcher-module.js';
export { bottangoPlugin } from './plugin.js';
