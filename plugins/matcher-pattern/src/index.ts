export { normalizeForPatterns } from './normalize.js';
export { compileStarterPattern, CompiledPattern, MAX_MATCH_INPUT_LENGTH, type PatternStrategy } from './compile-pattern.js';
export { MAX_PATTERN_LENGTH } from './parse-pattern.js';
export { matchesExcludeKeyword } from './exclude-keywords.js';
export { PatternSyntax } from './pattern-syntax.js';
export { PatternMatcherModule, patternMatcherOptionsSchema, type PatternMatcherModuleOptions } from './pattern-matcher-module.js';
export { bottangoPlugin } from './plugin.js';
