import type { BotDefinition, BotGroupDefinition, Interaction } from '@bottango/core';
import { formatPath, type DefinitionProblem, type PathSegment } from './problems.js';
import type { SourceFile } from './source-file.js';

/** How an interaction was written: a bare string, keyed by `text`/`question`/`transfer`, or with `type`. */
export type InteractionForm = 'string' | 'short' | 'long';

// Definitions read from files remember where they came from, so checks made later on the model
// (validateBotDefinitions) can still name the line. Bots built in code have no entry.
const botSources = new WeakMap<BotDefinition, SourceFile>();
const interactionForms = new WeakMap<Interaction, InteractionForm>();
const groupSources = new WeakMap<BotGroupDefinition, { source: SourceFile; index: number }>();

export function rememberBotSource(bot: BotDefinition, source: SourceFile): void {
  botSources.set(bot, source);
}

export function rememberInteractionForm(interaction: Interaction, form: InteractionForm): void {
  interactionForms.set(interaction, form);
}

export function rememberGroupSource(group: BotGroupDefinition, source: SourceFile, index: number): void {
  groupSources.set(group, { source, index });
}

/** Where to report problems of a bot that has no file: its `source` or `(bot <id>)`. */
export function botFileName(bot: BotDefinition): string {
  return botSources.get(bot)?.file ?? bot.source ?? `(bot ${bot.id})`;
}

/** Maps a path in the model (`dialogs[0].interactions[1].skill`) to the path the author wrote (`….transfer.skill`). */
function filePath(bot: BotDefinition, path: readonly PathSegment[]): PathSegment[] {
  const [dialogs, dialogIndex, interactions, interactionIndex, field, ...rest] = path;
  if (dialogs !== 'dialogs' || interactions !== 'interactions' || typeof dialogIndex !== 'number' || typeof interactionIndex !== 'number') return [...path];
  const interaction = bot.dialogs[dialogIndex]?.interactions[interactionIndex];
  const form = interaction === undefined ? undefined : interactionForms.get(interaction);
  const prefix = path.slice(0, 4);
  if (form === 'string' && field === 'text') return prefix;
  if (form === 'short' && interaction?.type === 'question' && field === 'text') return [...prefix, 'question', ...rest];
  if (form === 'short' && interaction?.type === 'agentTransfer' && (field === 'skill' || field === 'message' || field === 'tangoContext' || field === 'agentId')) {
    return [...prefix, 'transfer', field, ...rest];
  }
  return [...path];
}

/** A problem at `path` (a path in the model) of `bot`, located in its file when it came from one. */
export function botProblem(bot: BotDefinition, path: readonly PathSegment[], message: string): DefinitionProblem {
  const source = botSources.get(bot);
  if (source === undefined) return { file: botFileName(bot), path: formatPath(path), message };
  return source.problem(filePath(bot, path), message);
}

/** A problem at `path` inside the definition of `group`. */
export function groupProblem(group: BotGroupDefinition, path: readonly PathSegment[], message: string): DefinitionProblem {
  const origin = groupSources.get(group);
  if (origin === undefined) return { file: `(group ${group.id})`, path: formatPath(path), message };
  return origin.source.problem(['groups', origin.index, ...path], message);
}
