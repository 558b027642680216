import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { BotDefinition, BotGroupDefinition } from '@bottango/core';
import { definitionError, type DefinitionProblem } from './problems.js';
import { PROJECT_CONFIG_FILES } from './project-config.js';
import { MAX_DEFINITION_FILE_BYTES, readDefinitionFile, tooLarge, type ReadResult } from './read-file.js';
import { readBotFile, readGroupsFile } from './read-bot.js';
import { SourceFile } from './source-file.js';
import { validateAll, validateSingleBot, type ValidateOptions } from './validate.js';

export type LoadOptions = ValidateOptions;

export interface LoadedBots {
  readonly bots: BotDefinition[];
  readonly groups: BotGroupDefinition[];
  /** Problems that do not stop loading (a group over 15 bots, a transfer to a skill no bot holds…). */
  readonly warnings: DefinitionProblem[];
}

const DEFINITION_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Files (without extension) that hold bot groups instead of a bot. */
const GROUPS_FILE = 'groups';
/** Project file: only its `groups:` key is read here. */
const PROJECT_FILE = 'bottango';

/**
 * Parses one bot file (YAML or JSON) and checks the bot on its own. Throws one BottangoError (INVALID_DEFINITION)
 * listing every problem, each with `file`, `path` and `line` in `details.problems`.
 * Cross-bot checks (duplicate IDs, groups, skills) need `validateBotDefinitions` or `loadBotDirectory`.
 */
export function parseBotDefinition(text: string, file: string, options: ValidateOptions = {}): BotDefinition {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_DEFINITION_FILE_BYTES) throw definitionError([tooLarge(file, 'a bot file', size)]);
  const parsed = SourceFile.parse(text, file);
  const problems = [...parsed.problems];
  const bot = problems.length === 0 ? readBotFile(parsed.data, parsed.source, problems) : undefined;
  if (bot === undefined) throw definitionError(problems);
  const result = validateSingleBot(bot, options);
  if (result.errors.length > 0) throw definitionError(result.errors, result.warnings);
  return bot;
}

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` file of `dir` (not recursive; names starting with `_` or `.`, and a
 * project file `bottango.config.*`, are skipped):
 * one bot per file, plus bot groups from `groups.yaml` / `groups.json` or the `groups:` key of `bottango.yaml`.
 * Sets `source` of each bot to its file path. If any file has a problem, nothing is returned: one BottangoError
 * (INVALID_DEFINITION) lists every problem of every file.
 */
export async function loadBotDirectory(dir: string, options: LoadOptions = {}): Promise<LoadedBots> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && DEFINITION_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .filter((name) => !name.startsWith('_') && !name.startsWith('.') && !PROJECT_CONFIG_FILES.includes(name as (typeof PROJECT_CONFIG_FILES)[number]))
      .sort();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw definitionError([{ file: dir, path: '', message: `cannot read the bot directory: ${message}` }]);
  }

  const problems: DefinitionProblem[] = [];
  const bots: BotDefinition[] = [];
  const groups: BotGroupDefinition[] = [];
  let groupsComplete = true;
  let botFiles = 0;
  for (const name of names) {
    const file = join(dir, name);
    const stem = basename(name, extname(name)).toLowerCase();
    const isGroups = stem === GROUPS_FILE;
    const isProject = stem === PROJECT_FILE;
    let read: ReadResult;
    try {
      read = await readDefinitionFile(file, isGroups ? 'a groups file' : isProject ? 'a project file' : 'a bot file');
    } catch (error) {
      problems.push({ file, path: '', message: `cannot read the file: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (read.problem !== undefined) {
      problems.push(read.problem);
      if (isGroups || isProject) groupsComplete = false;
      else botFiles++;
      continue;
    }
    const parsed = SourceFile.parse(read.text, file);
    const fileProblems = [...parsed.problems];
    if (isGroups || isProject) {
      if (fileProblems.length === 0) groups.push(...readGroupsFile(parsed.data, parsed.source, isProject, fileProblems));
      if (fileProblems.length > 0) groupsComplete = false;
    } else {
      botFiles++;
      const bot = fileProblems.length === 0 ? readBotFile(parsed.data, parsed.source, fileProblems) : undefined;
      if (bot !== undefined) bots.push(bot);
    }
    problems.push(...fileProblems);
  }
  if (botFiles === 0 && problems.length === 0) {
    problems.push({ file: dir, path: '', message: `no bot files (${DEFINITION_EXTENSIONS.map((ext) => `*${ext}`).join(', ')}) in the directory` });
  }

  const result = validateAll(bots, groups, options, groupsComplete);
  problems.push(...result.errors);
  if (problems.length > 0) throw definitionError(problems, result.warnings);
  return { bots, groups, warnings: result.warnings };
}
