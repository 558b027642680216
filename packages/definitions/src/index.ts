export { parseBotDefinition, loadBotDirectory, type LoadOptions, type LoadedBots } from './load.js';
export { validateBotDefinitions, MAX_BOTS_PER_GROUP, type ValidateOptions, type ValidationResult, type PatternValidator } from './validate.js';
export { formatProblem, type DefinitionProblem } from './problems.js';
export { readDataFile } from './read-data-file.js';
export { loadProjectConfig, parseProjectConfig, PROJECT_CONFIG_FILES, type ProjectConfig, type ConfiguredPlugin } from './project-config.js';
