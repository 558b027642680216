import { BLANK_MESSAGE, DEFAULT_PATTERN_SYNTAX, type BotDefinition, type BotGroupDefinition, type DialogDefinition, type ResponseCondition } from '@bottango/core';
import { didYouMean } from './did-you-mean.js';
import { checkConnector } from './validate-connector.js';
import { MAX_TIMER_MS } from './timer-limit.js';
import type { DefinitionProblem, PathSegment } from './problems.js';
import { botFileName, botProblem, groupProblem } from './registry.js';

/** Checks one starter pattern; returns what is wrong, or `undefined` when it compiles. */
export type PatternValidator = (syntax: string, pattern: string) => string | undefined;

export interface ValidateOptions {
  /**
   * Compiles starter patterns. Pattern syntaxes are plugins of the runtime, so this package does not compile them;
   * pass e.g. `(syntax, pattern) => { try { syntaxes.get(syntax).compile(pattern) } catch (e) { return e.message } }`.
   */
  readonly validatePattern?: PatternValidator;
}

export interface ValidationResult {
  readonly errors: DefinitionProblem[];
  readonly warnings: DefinitionProblem[];
}

/** Best practice for collaborative bot groups (spec 6.1). */
export const MAX_BOTS_PER_GROUP = 15;

/** The target of `next`/`onFailure` that closes the dialog. */
const END = 'end';

/** A skill written with a variable (`{$botContext.skill}`) is only known at transfer time. */
function isTemplated(value: string): boolean {
  return value.includes('{$');
}

function dialogIsSpecial(dialog: DialogDefinition): boolean {
  return dialog.type !== 'standard';
}

function checkInteractions(bot: BotDefinition, dialog: DialogDefinition, dialogIndex: number, options: ValidateOptions, errors: DefinitionProblem[]): void {
  const at = (index: number, ...rest: PathSegment[]): PathSegment[] => ['dialogs', dialogIndex, 'interactions', index, ...rest];
  const names = new Map<string, number>();
  dialog.interactions.forEach((interaction, index) => {
    if (interaction.name === undefined) return;
    if (interaction.name === END) {
      errors.push(botProblem(bot, at(index, 'name'), `'${END}' is reserved (next: ${END} closes the dialog); choose another interaction name`));
    } else if (names.has(interaction.name)) {
      errors.push(botProblem(bot, at(index, 'name'), `duplicate interaction name '${interaction.name}' in dialog '${dialog.name}' (first at interactions[${names.get(interaction.name)}])`));
    } else {
      names.set(interaction.name, index);
    }
  });
  const checkTarget = (index: number, key: 'next' | 'onFailure', target: string | undefined): void => {
    if (target === undefined || target === END || names.has(target)) return;
    const known = [...names.keys(), END];
    errors.push(botProblem(bot, at(index, key), `${key} names '${target}', but dialog '${dialog.name}' has no interaction with that name${didYouMean(target, known) || ` (named interactions: ${known.join(', ')})`}`));
  };
  dialog.interactions.forEach((interaction, index) => {
    checkTarget(index, 'next', interaction.next);
    if (interaction.type === 'question') checkConditions(bot, interaction.conditions ?? [], at(index, 'conditions'), names, options, errors);
    if (interaction.type === 'text' || interaction.type === 'question') {
      if (typeof interaction.text !== 'string' || interaction.text.trim() === '') {
        errors.push(botProblem(bot, at(index, 'text'), `${interaction.type === 'text' ? 'text' : 'question'} is empty; write what the bot says`));
      }
      return;
    }
    checkTarget(index, 'onFailure', interaction.onFailure);
    const delay = interaction.interactionDelay;
    if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= MAX_TIMER_MS)) {
      errors.push(botProblem(bot, at(index, 'interactionDelay'), `interactionDelay must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${String(delay)}`));
    }
    if (typeof interaction.message !== 'string' || interaction.message.trim() === '') {
      errors.push(botProblem(bot, at(index, 'message'), `transfer has no message (it is sent to the user before the transfer); write one, or use ${BLANK_MESSAGE} to send nothing`));
    }
    if (typeof interaction.skill !== 'string' || interaction.skill.trim() === '') {
      errors.push(botProblem(bot, at(index, 'skill'), 'transfer has no skill; name the skill to transfer to'));
    } else if (!isTemplated(interaction.skill) && bot.skills.includes(interaction.skill)) {
      errors.push(botProblem(bot, at(index, 'skill'), `transfer to skill '${interaction.skill}', which bot '${bot.id}' holds itself: the conversation would come back to it (a transfer loop)`));
    }
  });
}

/** A question's response conditions: known intents, patterns and regular expressions that compile, `next` targets in the dialog. */
function checkConditions(bot: BotDefinition, conditions: readonly ResponseCondition[], at: PathSegment[], names: ReadonlyMap<string, number>, options: ValidateOptions, errors: DefinitionProblem[]): void {
  const intentIds = bot.intents.map((intent) => intent.id);
  conditions.forEach((condition, index) => {
    if (condition.match === 'intent' && !intentIds.includes(condition.value)) {
      errors.push(botProblem(bot, [...at, index, 'value'], `unknown intent '${condition.value}'${didYouMean(condition.value, intentIds) || (intentIds.length === 0 ? ' (the bot has no intents)' : ` (intents: ${intentIds.join(', ')})`)}`));
    }
    if (condition.match === 'pattern') {
      const problem = options.validatePattern?.(DEFAULT_PATTERN_SYNTAX, condition.value);
      if (problem !== undefined) errors.push(botProblem(bot, [...at, index, 'value'], `invalid pattern ${JSON.stringify(condition.value)}: ${problem}`));
    }
    if (condition.match === 'regex') {
      try {
        new RegExp(condition.value, 'i');
      } catch (error) {
        errors.push(botProblem(bot, [...at, index, 'value'], `not a regular expression: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    if (condition.next !== undefined && condition.next !== END && !names.has(condition.next)) {
      errors.push(botProblem(bot, [...at, index, 'next'], `next names '${condition.next}', but the dialog has no interaction with that name${didYouMean(condition.next, [...names.keys(), END])}`));
    }
  });
}

function checkDialogs(bot: BotDefinition, options: ValidateOptions, errors: DefinitionProblem[], warnings: DefinitionProblem[]): void {
  const intentIds = bot.intents.map((intent) => intent.id);
  const names = new Map<string, number>();
  const special = new Map<string, number>();
  const startedBy = new Map<string, number>();
  bot.dialogs.forEach((dialog, index) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['dialogs', index, ...rest];
    if (typeof dialog.name !== 'string' || dialog.name.trim() === '') {
      errors.push(botProblem(bot, at('name'), 'a dialog needs a name'));
    } else if (names.has(dialog.name)) {
      errors.push(botProblem(bot, at('name'), `duplicate dialog name '${dialog.name}' (first at dialogs[${names.get(dialog.name)}])`));
    } else {
      names.set(dialog.name, index);
    }

    if (dialogIsSpecial(dialog)) {
      const first = special.get(dialog.type);
      if (first !== undefined) {
        errors.push(botProblem(bot, at('type'), `a bot has at most one ${dialog.type} dialog; '${bot.dialogs[first]!.name}' (dialogs[${first}]) is one already`));
      } else {
        special.set(dialog.type, index);
      }
      if (dialog.starter !== undefined) {
        errors.push(botProblem(bot, at('starter'), `a ${dialog.type} dialog has no starter (the runtime starts it); remove the starter or make the dialog standard`));
      }
    } else {
      const starter = dialog.starter;
      const hasPatterns = (starter?.patterns?.length ?? 0) > 0;
      if (!dialog.disabled && (starter === undefined || (!hasPatterns && starter.intent === undefined))) {
        errors.push(
          botProblem(bot, starter === undefined ? at() : at('starter'), `standard dialog '${dialog.name}' has no starter patterns or intent, so nothing can start it; add a starter, or set disabled: true`),
        );
      }
    }

    const starter = dialog.starter;
    if (starter?.intent !== undefined) {
      if (!intentIds.includes(starter.intent)) {
        const hint = didYouMean(starter.intent, intentIds) || (intentIds.length === 0 ? ' (the bot has no intents)' : ` (intents: ${intentIds.join(', ')})`);
        errors.push(botProblem(bot, at('starter', 'intent'), `unknown intent '${starter.intent}'${hint}`));
      } else if (!dialog.disabled) {
        const first = startedBy.get(starter.intent);
        if (first === undefined) startedBy.set(starter.intent, index);
        else warnings.push(botProblem(bot, at('starter', 'intent'), `intent '${starter.intent}' also starts dialog '${bot.dialogs[first]!.name}', which comes first and wins; give each dialog its own intent`));
      }
    }
    starter?.patterns?.forEach((pattern, patternIndex) => {
      const syntax = typeof pattern === 'string' ? DEFAULT_PATTERN_SYNTAX : pattern.syntax;
      const source = typeof pattern === 'string' ? pattern : pattern.pattern;
      const path = typeof pattern === 'string' ? at('starter', 'patterns', patternIndex) : at('starter', 'patterns', patternIndex, 'pattern');
      if (source.trim() === '') {
        errors.push(botProblem(bot, path, 'empty pattern'));
        return;
      }
      const problem = options.validatePattern?.(syntax, source);
      // A long pattern is quoted by its start only (patterns may be up to 1,000 characters or more, depending on the syntax).
      const quoted = JSON.stringify(source.length > 60 ? `${source.slice(0, 40)}…` : source);
      if (problem !== undefined) errors.push(botProblem(bot, path, `invalid ${syntax === 'pattern' ? '' : `${syntax} `}pattern ${quoted}: ${problem}`));
    });
    if (dialog.interactions.length === 0) {
      errors.push(botProblem(bot, at('interactions'), `dialog '${dialog.name}' has no interactions`));
    }
    checkInteractions(bot, dialog, index, options, errors);
  });
}

/** Checks that need one bot only. */
function checkBot(bot: BotDefinition, options: ValidateOptions, errors: DefinitionProblem[], warnings: DefinitionProblem[]): void {
  if (typeof bot.id !== 'string' || bot.id.trim() === '') errors.push(botProblem(bot, ['id'], 'a bot needs an id'));
  const intents = new Map<string, number>();
  bot.intents.forEach((intent, index) => {
    const first = intents.get(intent.id);
    if (first === undefined) intents.set(intent.id, index);
    else errors.push(botProblem(bot, ['intents', index, 'id'], `duplicate intent id '${intent.id}' (first at intents[${first}])`));
  });
  // Meta intents wrap intents of the same bot, one level deep.
  bot.intents.forEach((intent, index) => {
    (intent.children ?? []).forEach((child, childIndex) => {
      const target = bot.intents.find((i) => i.id === child);
      if (!target) errors.push(botProblem(bot, ['intents', index, 'children', childIndex], `unknown intent '${child}'${didYouMean(child, [...intents.keys()])}`));
      else if (child === intent.id || (target.children?.length ?? 0) > 0) errors.push(botProblem(bot, ['intents', index, 'children', childIndex], `'${child}' is a meta intent itself; a meta intent wraps ordinary intents`));
    });
  });
  const settings = bot.settings;
  if (settings?.maxEscalationRetries !== undefined && !(Number.isInteger(settings.maxEscalationRetries) && settings.maxEscalationRetries >= 0)) {
    errors.push(botProblem(bot, ['settings', 'maxEscalationRetries'], `must be a whole number >= 0, got ${settings.maxEscalationRetries}`));
  }
  if (settings?.disambiguationOptions !== undefined && settings.disambiguationOptions !== 2 && settings.disambiguationOptions !== 3) {
    errors.push(botProblem(bot, ['settings', 'disambiguationOptions'], `must be 2 or 3, got ${settings.disambiguationOptions}`));
  }
  checkConnector(bot, errors);
  checkDialogs(bot, options, errors, warnings);
}

/** The checks of one bot on its own (no cross-bot or group checks); used by `parseBotDefinition`. */
export function validateSingleBot(bot: BotDefinition, options: ValidateOptions = {}): ValidationResult {
  const errors: DefinitionProblem[] = [];
  const warnings: DefinitionProblem[] = [];
  checkBot(bot, options, errors, warnings);
  return { errors, warnings };
}

/**
 * Checks a set of bots and groups, each bot on its own and across bots: duplicate bot IDs, bots in undeclared
 * groups, transfers to skills no bot holds, oversized groups… Works on bots read from files (problems carry
 * file, path and line) and on bots built in code (problems name `source` or `(bot <id>)` and the path in the model).
 * `groups` omitted means no groups are declared, so a bot with a `group` is an error.
 */
export function validateBotDefinitions(
  bots: readonly BotDefinition[],
  groups: readonly BotGroupDefinition[] = [],
  options: ValidateOptions = {},
): ValidationResult {
  return validateAll(bots, groups, options, true);
}

/** `checkGroupMembership` is off when a groups file failed to load, so its bots are not all reported as undeclared. */
export function validateAll(
  bots: readonly BotDefinition[],
  groups: readonly BotGroupDefinition[],
  options: ValidateOptions,
  checkGroupMembership: boolean,
): ValidationResult {
  const errors: DefinitionProblem[] = [];
  const warnings: DefinitionProblem[] = [];
  for (const bot of bots) checkBot(bot, options, errors, warnings);

  const botsById = new Map<string, BotDefinition>();
  const holders = new Map<string, BotDefinition>();
  for (const bot of bots) {
    const first = botsById.get(bot.id);
    if (first !== undefined) errors.push(botProblem(bot, ['id'], `duplicate bot id '${bot.id}', also used by ${botFileName(first)}`));
    else botsById.set(bot.id, bot);
    bot.skills.forEach((skill, index) => {
      const holder = holders.get(skill);
      if (holder === undefined) holders.set(skill, bot);
      else if (holder !== bot) warnings.push(botProblem(bot, ['skills', index], `skill '${skill}' is also held by bot '${holder.id}'; a transfer to it may reach either bot`));
    });
  }

  for (const bot of bots) {
    bot.dialogs.forEach((dialog, dialogIndex) => {
      dialog.interactions.forEach((interaction, index) => {
        if (interaction.type !== 'agentTransfer' || typeof interaction.skill !== 'string' || interaction.skill.trim() === '') return;
        if (isTemplated(interaction.skill) || holders.has(interaction.skill)) return;
        warnings.push(
          botProblem(bot, ['dialogs', dialogIndex, 'interactions', index, 'skill'], `no bot holds skill '${interaction.skill}': this transfer fails late (no-agent-available, then __agent_escalation_failed__) unless a bot agent of another process holds it${didYouMean(interaction.skill, holders.keys())}`),
        );
      });
    });
  }

  const groupsById = new Map<string, BotGroupDefinition>();
  groups.forEach((group) => {
    if (groupsById.has(group.id)) errors.push(groupProblem(group, ['id'], `duplicate group id '${group.id}'`));
    else groupsById.set(group.id, group);
  });
  const members = new Map<string, BotDefinition[]>();
  for (const bot of bots) {
    if (bot.group === undefined) continue;
    if (!groupsById.has(bot.group)) {
      if (!checkGroupMembership) continue;
      const known = [...groupsById.keys()];
      const hint = didYouMean(bot.group, known) || (known.length === 0 ? '; no groups are declared: add it to groups.yaml' : ` (declared groups: ${known.join(', ')})`);
      errors.push(botProblem(bot, ['group'], `group '${bot.group}' is not declared${hint}`));
      continue;
    }
    members.set(bot.group, [...(members.get(bot.group) ?? []), bot]);
  }
  for (const [id, list] of members) {
    if (list.length > MAX_BOTS_PER_GROUP) {
      warnings.push(groupProblem(groupsById.get(id)!, [], `group '${id}' has ${list.length} bots; keep a group to at most ${MAX_BOTS_PER_GROUP} bots (more makes automatic transfers slow and ambiguous)`));
    }
  }

  // setBotTransferIntentbyDomain resolves (intent name, domain) across all bots: different IDs make it ambiguous.
  const byName = new Map<string, { bot: BotDefinition; id: string }>();
  for (const bot of bots) {
    bot.intents.forEach((intent, index) => {
      const key = `${intent.domain ?? ''}\u0000${intent.name}`;
      const first = byName.get(key);
      if (first === undefined) byName.set(key, { bot, id: intent.id });
      else if (first.id !== intent.id) {
        warnings.push(
          botProblem(bot, ['intents', index, 'name'], `intent '${intent.name}'${intent.domain === undefined ? '' : ` in domain '${intent.domain}'`} has id '${intent.id}' here and '${first.id}' in bot '${first.bot.id}'; setBotTransferIntentbyDomain cannot tell them apart`),
        );
      }
    });
  }
  return { errors, warnings };
}
