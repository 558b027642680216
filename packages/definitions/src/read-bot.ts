import type {
  AgentConnectorSettings,
  AgentTransferInteraction,
  BotDefinition,
  BotGroupDefinition,
  BotScript,
  BotSettings,
  DialogDefinition,
  DialogStarter,
  DialogType,
  IntentDefinition,
  Interaction,
  QuestionInteraction,
  ResponseCondition,
  StarterPattern,
  TextInteraction,
} from '@bottango/core';
import { Script } from 'node:vm';
import { didYouMean } from './did-you-mean.js';
import { formatPath, type DefinitionProblem, type PathSegment } from './problems.js';
import { rememberBotSource, rememberGroupSource, rememberInteractionForm, type InteractionForm } from './registry.js';
import {
  ALL_INTERACTION_KEYS,
  botFileSchema,
  check,
  groupsFileSchema,
  interactionSchemas,
  LONG_INTERACTION_TYPES,
  SHORT_INTERACTION_KEYS,
  type BotFile,
  type LongInteractionType,
  type SchemaProblem,
} from './schema.js';
import type { SourceFile } from './source-file.js';

type AsyncFunctionConstructor = new (parameter: string, body: string) => BotScript;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as AsyncFunctionConstructor;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Where a script fails to parse: V8 reports the line and a caret under the column when parsing with node:vm. */
function syntaxErrorLocation(code: string): { line: number; column: number; message: string } | undefined {
  try {
    new Script(`(async function (botContext) {\n${code}\n})`, { filename: 'script' });
    return undefined;
  } catch (error) {
    const stack = error instanceof Error ? (error.stack ?? '') : '';
    const [where, , caret] = stack.split('\n');
    const line = Number(/^script:(\d+)$/.exec(where ?? '')?.[1]);
    const column = (caret ?? '').indexOf('^');
    if (!Number.isInteger(line) || line < 2 || column < 0 || !(error instanceof Error)) return undefined;
    return { line: line - 1, column: column + 1, message: `${error.name}: ${error.message}` };
  }
}

/** Compiles a script once: `new AsyncFunction('botContext', code)`, named after its file and path for stack traces. */
function compileScript(code: string, source: SourceFile, path: readonly PathSegment[], problems: DefinitionProblem[]): BotScript | undefined {
  try {
    const script = new AsyncFunction('botContext', code);
    Object.defineProperty(script, 'name', { value: `${source.file} ${formatPath(path)}` });
    return script;
  } catch (error) {
    const located = syntaxErrorLocation(code);
    if (located === undefined) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      problems.push(source.problem(path, `script does not compile: ${message}`));
    } else {
      const position = source.positionInString(path, located.line, located.column);
      problems.push(source.problem(path, `script does not compile: ${located.message} (line ${located.line} of the script)`, position));
    }
    return undefined;
  }
}

interface ReadInteraction {
  readonly interaction?: Interaction;
  readonly form?: InteractionForm;
}

function interactionShape(raw: unknown, path: readonly PathSegment[]): { kind?: LongInteractionType; form?: InteractionForm; problems: SchemaProblem[] } {
  if (typeof raw === 'string') return { kind: 'text', form: 'string', problems: [] };
  if (!isRecord(raw)) {
    return { problems: [{ path: [...path], message: `expected an interaction (a string, or a mapping with text, question or transfer), got ${describeRoot(raw)}` }] };
  }
  if ('type' in raw) {
    const type = raw['type'];
    if (typeof type === 'string' && (LONG_INTERACTION_TYPES as readonly string[]).includes(type)) return { kind: type as LongInteractionType, form: 'long', problems: [] };
    // `transfer` is the short-form key; as a type it is spelt agentTransfer.
    const hint = typeof type === 'string' ? didYouMean(type, [...LONG_INTERACTION_TYPES, 'transfer']).replace(`'transfer'`, `'agentTransfer'`) : '';
    return { problems: [{ path: [...path, 'type'], message: `unknown interaction type ${JSON.stringify(type)}; expected one of ${LONG_INTERACTION_TYPES.join(', ')}${hint}` }] };
  }
  const kinds = SHORT_INTERACTION_KEYS.filter((key) => key in raw);
  if (kinds.length === 1) {
    const kind = kinds[0]!;
    return { kind: kind === 'transfer' ? 'agentTransfer' : kind, form: 'short', problems: [] };
  }
  if (kinds.length > 1) {
    return { problems: [{ path: [...path], message: `an interaction has exactly one of text, question, transfer; this one has ${kinds.join(' and ')}` }] };
  }
  const unknown = Object.keys(raw).filter((key) => !ALL_INTERACTION_KEYS.includes(key));
  if (unknown.length > 0) {
    return { problems: unknown.map((key) => ({ path: [...path, key], message: `unknown key '${key}'${didYouMean(key, ALL_INTERACTION_KEYS)}` })) };
  }
  return { problems: [{ path: [...path], message: 'an interaction needs one of the keys text, question or transfer (or a type)' }] };
}

function readInteraction(raw: unknown, source: SourceFile, path: readonly PathSegment[], problems: DefinitionProblem[]): ReadInteraction {
  const shape = interactionShape(raw, path);
  problems.push(...shape.problems.map((problem) => source.problem(problem.path, problem.message)));
  if (shape.kind === undefined || shape.form === undefined) return {};
  if (typeof raw === 'string') return { interaction: { type: 'text', text: raw }, form: 'string' };

  const schema = shape.form === 'long' ? interactionSchemas.long[shape.kind] : interactionSchemas.short[shape.kind === 'agentTransfer' ? 'transfer' : shape.kind];
  const result = check(schema as typeof interactionSchemas.long.text, raw, path);
  problems.push(...result.problems.map((problem) => source.problem(problem.path, problem.message)));
  if (result.data === undefined) return {};
  const data = result.data as unknown as Record<string, unknown>;

  const scripts: { preProcess?: BotScript; postProcess?: BotScript; processUserResponse?: BotScript } = {};
  let scriptsCompile = true;
  for (const key of ['preProcess', 'postProcess', 'processUserResponse'] as const) {
    const code = data[key];
    if (typeof code !== 'string') continue;
    const script = compileScript(code, source, [...path, key], problems);
    if (script === undefined) scriptsCompile = false;
    else scripts[key] = script;
  }
  if (!scriptsCompile) return {};

  const base = {
    ...(typeof data['name'] === 'string' ? { name: data['name'] } : {}),
    ...(scripts.preProcess ? { preProcess: scripts.preProcess } : {}),
    ...(scripts.postProcess ? { postProcess: scripts.postProcess } : {}),
    ...(typeof data['next'] === 'string' ? { next: data['next'] } : {}),
  };
  switch (shape.kind) {
    case 'text': {
      const interaction: TextInteraction = { ...base, type: 'text', text: data['text'] as string };
      return { interaction, form: shape.form };
    }
    case 'question': {
      const interaction: QuestionInteraction = {
        ...base,
        type: 'question',
        text: (shape.form === 'short' ? data['question'] : data['text']) as string,
        ...(typeof data['saveAs'] === 'string' ? { saveAs: data['saveAs'] } : {}),
        ...(scripts.processUserResponse ? { processUserResponse: scripts.processUserResponse } : {}),
        ...(typeof data['contextSwitching'] === 'boolean' ? { contextSwitching: data['contextSwitching'] } : {}),
        ...(Array.isArray(data['conditions']) ? { conditions: data['conditions'] as ResponseCondition[] } : {}),
      };
      return { interaction, form: shape.form };
    }
    case 'agentTransfer': {
      const fields = (shape.form === 'short' ? data['transfer'] : data) as { skill: string; message?: string; tangoContext?: boolean; agentId?: string; responseDataVariable?: string };
      const interaction: AgentTransferInteraction = {
        ...base,
        type: 'agentTransfer',
        skill: fields.skill,
        message: fields.message ?? '',
        tangoContext: fields.tangoContext ?? false,
        ...(fields.agentId === undefined ? {} : { agentId: fields.agentId }),
        ...(typeof data['onFailure'] === 'string' ? { onFailure: data['onFailure'] } : {}),
        ...(typeof data['interactionDelay'] === 'number' ? { interactionDelay: data['interactionDelay'] } : {}),
        ...(fields.responseDataVariable === undefined ? {} : { responseDataVariable: fields.responseDataVariable }),
      };
      return { interaction, form: shape.form };
    }
  }
}

function buildStarter(starter: NonNullable<BotFile['dialogs'][number]['starter']>): DialogStarter {
  return {
    ...(starter.patterns ? { patterns: starter.patterns as StarterPattern[] } : {}),
    ...(starter.intent === undefined ? {} : { intent: starter.intent }),
    ...(starter.excludeKeywords ? { excludeKeywords: starter.excludeKeywords } : {}),
  };
}

function buildSettings(settings: NonNullable<BotFile['settings']>): BotSettings {
  return {
    ...(settings.defaultUserFriendlyResponse === undefined ? {} : { defaultUserFriendlyResponse: settings.defaultUserFriendlyResponse }),
    ...(settings.maxEscalationRetries === undefined ? {} : { maxEscalationRetries: settings.maxEscalationRetries }),
    ...(settings.autoEscalationAfter === undefined ? {} : { autoEscalationAfter: settings.autoEscalationAfter }),
    ...(settings.intentMatcher === undefined ? {} : { intentMatcher: settings.intentMatcher }),
    ...(settings.disambiguationOptions === undefined ? {} : { disambiguationOptions: settings.disambiguationOptions }),
    ...(settings.useIntentsOnlyWithDialogStartersInDisambiguation === undefined ? {} : { useIntentsOnlyWithDialogStartersInDisambiguation: settings.useIntentsOnlyWithDialogStartersInDisambiguation }),
  };
}

/**
 * Reads the data of one bot file into a BotDefinition: schema checks, interaction shapes and script compilation.
 * Problems are appended to `problems`; the bot is returned only when the file has none.
 */
export function readBotFile(data: unknown, source: SourceFile, problems: DefinitionProblem[]): BotDefinition | undefined {
  if (!isRecord(data)) {
    problems.push(source.problem([], `the file must hold a mapping with the bot's keys (id, skills, intents, dialogs…), got ${describeRoot(data)}`));
    return undefined;
  }
  const before = problems.length;
  const result = check(botFileSchema, data);
  problems.push(...result.problems.map((problem) => source.problem(problem.path, problem.message)));

  // Interactions are read from the raw data so their problems are reported even when other keys are wrong.
  const interactions = new Map<string, ReadInteraction>();
  const dialogs = data['dialogs'];
  if (Array.isArray(dialogs)) {
    dialogs.forEach((dialog: unknown, dialogIndex) => {
      const list = isRecord(dialog) ? dialog['interactions'] : undefined;
      if (!Array.isArray(list)) return;
      list.forEach((raw: unknown, index) => {
        interactions.set(`${dialogIndex}/${index}`, readInteraction(raw, source, ['dialogs', dialogIndex, 'interactions', index], problems));
      });
    });
  }
  if (isRecord(data['environment']) && Object.hasOwn(data['environment'], '__proto__')) {
    problems.push(source.problem(['environment', '__proto__'], "'__proto__' cannot be an environment variable name"));
  }
  const rawInit = isRecord(data['globalFunctions']) ? data['globalFunctions']['initConversation'] : undefined;
  const initConversation = typeof rawInit === 'string' ? compileScript(rawInit, source, ['globalFunctions', 'initConversation'], problems) : undefined;
  if (problems.length > before || result.data === undefined) return undefined;
  const file = result.data;

  const intents: IntentDefinition[] = (file.intents ?? []).map((intent) => ({
    id: intent.id,
    name: intent.name ?? intent.id,
    ...(intent.domain === undefined ? {} : { domain: intent.domain }),
    trainingPhrases: intent.phrases ?? [],
    ...(intent.children === undefined ? {} : { children: intent.children }),
  }));
  const dialogDefinitions: DialogDefinition[] = file.dialogs.map((dialog, dialogIndex) => {
    const list = dialog.interactions.map((_, index) => {
      const read = interactions.get(`${dialogIndex}/${index}`)!;
      rememberInteractionForm(read.interaction!, read.form!);
      return read.interaction!;
    });
    return {
      name: dialog.name,
      type: (dialog.type ?? 'standard') as DialogType,
      ...(dialog.starter ? { starter: buildStarter(dialog.starter) } : {}),
      interactions: list,
      ...(dialog.disabled === undefined ? {} : { disabled: dialog.disabled }),
    };
  });
  const bot: BotDefinition = {
    id: file.id,
    ...(file.name === undefined ? {} : { name: file.name }),
    skills: file.skills ?? [],
    ...(file.group === undefined ? {} : { group: file.group }),
    intents,
    dialogs: dialogDefinitions,
    ...(file.settings ? { settings: buildSettings(file.settings) } : {}),
    ...(file.environment ? { environment: Object.fromEntries(Object.entries(file.environment)) } : {}),
    ...(initConversation ? { globalFunctions: { initConversation } } : {}),
    ...(file.connector ? { connector: definedOnly(file.connector) as AgentConnectorSettings } : {}),
    source: source.file,
  };
  rememberBotSource(bot, source);
  return bot;
}

/** A section's fields that are set (an optional key zod leaves `undefined` is dropped). */
function definedOnly(section: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([, value]) => value !== undefined));
}

/**
 * Reads bot groups from a groups file (`groups:` list), or from the `groups:` key of `bottango.yaml`
 * (`onlyGroupsKey`: other keys belong to other tools and are ignored).
 */
export function readGroupsFile(data: unknown, source: SourceFile, onlyGroupsKey: boolean, problems: DefinitionProblem[]): BotGroupDefinition[] {
  if (!isRecord(data)) {
    problems.push(source.problem([], `the file must hold a mapping with a groups: list, got ${describeRoot(data)}`));
    return [];
  }
  if (onlyGroupsKey && !('groups' in data)) return [];
  const result = check(groupsFileSchema, onlyGroupsKey ? { groups: data['groups'] } : data);
  problems.push(...result.problems.map((problem) => source.problem(problem.path, problem.message)));
  if (result.data === undefined) return [];
  return result.data.groups.map((group, index) => {
    const definition: BotGroupDefinition = {
      id: group.id,
      collaboration: group.collaboration ?? false,
      ...(group.transferMessage === undefined ? {} : { transferMessage: group.transferMessage }),
    };
    rememberGroupSource(definition, source, index);
    return definition;
  });
}
