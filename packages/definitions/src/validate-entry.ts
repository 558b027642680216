/**
 * Validation without the file loaders: `@bottango/definitions/validate`, for the runtime (bots built in code are
 * checked like bot files) without loading the YAML parser and the schema library.
 */
export { validateBotDefinitions, MAX_BOTS_PER_GROUP, type ValidateOptions, type ValidationResult, type PatternValidator } from './validate.js';
export { formatProblem, definitionError, type DefinitionProblem } from './problems.js';
