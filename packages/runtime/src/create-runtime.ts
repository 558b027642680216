import { Container, type ContainerModule } from 'inversify';
import {
  BottangoError,
  BottangoErrorCode,
  ContextStore,
  ConversationStateStore,
  IntentMatcher,
  Logger,
  DEFAULT_PATTERN_SYNTAX,
  StarterPatternSyntax,
  TransferTransport,
  silentLogger,
  systemClock,
  type Clock,
  type BotDefinition,
  type BotGroupDefinition,
  type IntentClassifier,
} from '@bottango/core';
import { definitionError, validateBotDefinitions } from '@bottango/definitions/validate';
import { PatternMatcherModule } from '@bottango/matcher-pattern';
import { MemoryContextStore } from '@bottango/store-memory';
import { AgentDirectory } from './agent-directory.js';
import { CompiledBot, compileDialogs } from './compiled-bot.js';
import { GroupClassifier } from './group-routing.js';
import { InProcessTransferTransport } from './in-process-transport.js';
import { intentMatchersIn } from './intent-matchers.js';
import { describePluginModule } from './plugin-inspection.js';
import { MemoryConversationStateStore } from './memory-conversation-state-store.js';
import { loadPlugins, pluginReferencesFor, type LoadedPlugin, type PluginReference } from './plugin-loader.js';
import { resolvePluginPackage, type ImportModule, type PluginSearchPath } from './plugin-resolution.js';
import { BottangoRuntime } from './runtime.js';
import type { StateSetting, StoreSetting, TransportSetting } from './settings.js';

export interface RuntimeOptions {
  readonly bots: readonly BotDefinition[];
  readonly groups?: readonly BotGroupDefinition[];
  /** Plugins as ContainerModules (e.g. `NaturalMatcherModule.fromOptions({})`). */
  readonly modules?: readonly ContainerModule[];
  /**
   * Plugins by package name, each with its own options (validated against the plugin's schema), looked up in
   * `pluginSearchPaths`. A plugin that provides pattern syntax `pattern` replaces the bundled pattern matcher, and
   * one that binds the context store replaces the memory store.
   */
  readonly plugins?: readonly PluginReference[];
  /**
   * Where plugin packages are looked up, in order: folders (a project's folder) or module URLs (an app's
   * `import.meta.url`, for the plugins the app bundles). Default: the current directory.
   */
  readonly pluginSearchPaths?: readonly PluginSearchPath[];
  /** Context Session Store: `memory` (default), `sqlite:<path>`, `redis://host:port`. */
  readonly store?: StoreSetting;
  /**
   * Where conversation states live: `memory`, `sqlite:<path>`, `redis://host:port`. Default: the backend of `store`
   * (the same file or server; memory when `store` is memory), unless a module binds `ConversationStateStore`.
   */
  readonly state?: StateSetting;
  /**
   * How transfers travel: `in-process` (default) or `redis://…` — bots in separate processes over Redis Streams
   * (needs @bottango/transport-redis installed, and `state`/`store` shared by the processes: Redis or SQLite).
   */
  readonly transport?: TransportSetting;
  /** Options of the transport named by `transport` (e.g. `{ transferTimeoutMs: 5000 }`); see its README. */
  readonly transportOptions?: Readonly<Record<string, unknown>>;
  /** Imports plugin packages by name instead of looking them up in `pluginSearchPaths` (tests, bundlers). */
  readonly importModule?: ImportModule;
  /** Intent matcher for bots that do not name one. Default: the only one loaded, else `natural`. */
  readonly defaultIntentMatcher?: string;
  /** `__agent_escalation_failed__` messages per conversation before escalation stops. Default 3 (the 4th failure is final). */
  readonly maxEscalationRetries?: number;
  /**
   * How long a receiving bot may take to accept a transfer sent by a bot whose connector sets no
   * `fallbackEscalationTime` (in-process transport). Default 180 000 ms (the spec's 3 minutes).
   */
  readonly transferTimeoutMs?: number;
  /** Transcript entries kept per conversation. Default 50. */
  readonly transcriptLimit?: number;
  /** Environment variables every bot's scripts read with `botContext.getEnvVariable(name)`; they override the bot files' `environment:` values. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  /** Time for every timer and timestamp of the runtime and the in-process transport. Default `systemClock`; tests pass a fake one. */
  readonly clock?: Clock;
  /**
   * Group-aware training: a bot in a collaborative group is trained with this many training phrases of every intent of
   * the other bots of its group as out-of-scope examples, so its scores drop on text another bot owns (automatic
   * transfers compare the scores of separately trained bots). 0 turns it off. Default 5 (chosen on CLINC150 val).
   */
  readonly groupAwareTraining?: number;
  /**
   * Automatic transfer within a collaborative group ranks the members' intents with one classifier trained on all of
   * them (default `true`: one score scale for the whole group), or, with `false`, by each member's own classifier. The
   * group classifier is trained when every member that starts dialogs from intents uses the same intent matcher.
   */
  readonly groupClassifier?: boolean;
  /**
   * The bots this process runs (a bot agent process runs one; a front that only relays messages runs none). The
   * others are still loaded and validated, but run in other processes, reached through the transport, and their
   * intents are not trained here unless a bot run here shares a collaborative group with them. Default: all.
   */
  readonly localBots?: readonly string[];
  /** Progress of intent training, per bot. */
  readonly onTrainingProgress?: (botId: string, done: number, total: number) => void;
}

/**
 * Builds a runtime: one inversify container with the plugins loaded, every bot compiled and trained,
 * and the context store checked — so a bad setting or an unreachable store fails here, not at the first transfer.
 */
export async function createRuntime(options: RuntimeOptions): Promise<BottangoRuntime> {
  const opened: { close?(): Promise<void> }[] = [];
  try {
    return await buildRuntime(options, opened);
  } catch (error) {
    // Close what start-up opened, so a failed start leaves no connection holding the process open.
    for (const store of opened.reverse()) await store.close?.().catch(() => undefined);
    throw error;
  }
}

async function buildRuntime(options: RuntimeOptions, opened: { close?(): Promise<void> }[]): Promise<BottangoRuntime> {
  const container = new Container({ defaultScope: 'Singleton' });
  const { references, state: statePlugin } = pluginReferencesFor(options);
  const stateSetting = options.state ?? options.store ?? 'memory';
  const loadOptions = { ...(options.pluginSearchPaths ? { searchPaths: options.pluginSearchPaths } : {}), ...(options.importModule ? { importModule: options.importModule } : {}) };
  const all = statePlugin ? [...references, statePlugin] : references;
  const loaded = all.length > 0 ? await loadPlugins(all, loadOptions) : [];
  // The state plugin is loaded last, and only if no module binds ConversationStateStore itself.
  const statePluginLoaded = statePlugin ? loaded.pop() : undefined;
  container.load(...(options.modules ?? []));
  for (const plugin of loaded) loadPluginModule(container, plugin);
  // The bundled pattern matcher is loaded only when no plugin provides its syntax, so a configured copy replaces it.
  const bundled: LoadedPlugin[] = [];
  if (!(container.isBound(StarterPatternSyntax) ? container.getAll<StarterPatternSyntax>(StarterPatternSyntax) : []).some((s) => s.syntax === DEFAULT_PATTERN_SYNTAX)) {
    const module = PatternMatcherModule.fromOptions({});
    container.load(module);
    bundled.push({ package: '@bottango/matcher-pattern', name: '@bottango/matcher-pattern', version: resolvePluginPackage('@bottango/matcher-pattern', [new URL(import.meta.url)])?.version, module });
  }
  const stateModule = statePluginLoaded?.module;
  const stateFromModule = container.isBound(ConversationStateStore);
  if (stateModule && !stateFromModule) loadPluginModule(container, statePluginLoaded as LoadedPlugin);
  else if (stateModule && options.state !== undefined) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `state "${options.state}" is set, but a module binds ConversationStateStore too; use one of them`, { details: { field: 'state', value: options.state } });
  }

  const logger = options.logger ?? (container.isBound(Logger) ? container.get<Logger>(Logger) : silentLogger);
  const clock = options.clock ?? systemClock;
  if (!container.isBound(ContextStore)) container.bind(ContextStore).toConstantValue(new MemoryContextStore());
  if (!container.isBound(ConversationStateStore)) container.bind(ConversationStateStore).to(MemoryConversationStateStore);
  container.bind(AgentDirectory).toSelf();
  if (!container.isBound(TransferTransport)) {
    const timeout = options.transferTimeoutMs === undefined ? {} : { timeoutMs: options.transferTimeoutMs };
    container.bind(TransferTransport).toDynamicValue((context) => new InProcessTransferTransport(context.get(AgentDirectory), { ...timeout, clock }));
  }

  const store = await singleService<ContextStore>(container, ContextStore, 'context store', loaded);
  opened.push(store);
  try {
    await store.getNamespace('bottango_startup_check');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.StoreUnavailable, `the context store (${options.store ?? 'memory'}) does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const states = await singleService<ConversationStateStore>(container, ConversationStateStore, 'conversation state store', loaded);
  opened.push(states);
  try {
    await states.load('bottango_startup_check');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.StoreUnavailable, `the conversation state store (${stateFromModule ? 'from a module' : stateSetting}) does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }

  const syntaxes = new Map<string, StarterPatternSyntax>();
  for (const syntax of container.getAll<StarterPatternSyntax>(StarterPatternSyntax)) {
    if (syntaxes.has(syntax.syntax)) throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `two plugins provide pattern syntax "${syntax.syntax}"; load one of them`);
    syntaxes.set(syntax.syntax, syntax);
  }
  const matchers = intentMatchersIn(container);

  // The one place definitions are checked: bots built in code get the same checks as bot files (bots loaded from files
  // were checked already: cheap to repeat), and the patterns compile with the syntaxes loaded here.
  const validation = validateBotDefinitions(options.bots, options.groups ?? [], { validatePattern: (syntax, pattern) => patternProblem(syntaxes, syntax, pattern) });
  if (validation.errors.length > 0) throw definitionError(validation.errors, validation.warnings);

  const groups = new Map((options.groups ?? []).map((g) => [g.id, g]));
  const groupAware = options.groupAwareTraining ?? DEFAULT_GROUP_AWARE_PHRASES;
  if (!Number.isInteger(groupAware) || groupAware < 0) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `groupAwareTraining must be a whole number ≥ 0, got ${JSON.stringify(options.groupAwareTraining)}`);
  }

  const localBots = options.localBots === undefined ? undefined : new Set(options.localBots);
  for (const id of localBots ?? []) {
    if (!options.bots.some((b) => b.id === id)) {
      throw new BottangoError(BottangoErrorCode.UnknownBot, `localBots names bot "${id}", which is not among the bots (${options.bots.map((b) => b.id).join(', ')})`, { details: { field: 'localBots', value: id } });
    }
  }
  const trainedHere = (definition: BotDefinition): boolean =>
    localBots === undefined ||
    localBots.has(definition.id) ||
    (definition.group !== undefined && groups.get(definition.group)?.collaboration === true && options.bots.some((b) => b.group === definition.group && localBots.has(b.id)));

  const bots = new Map<string, CompiledBot>();
  const directory = container.get(AgentDirectory);
  for (const definition of options.bots) {
    const dialogs = compileDialogs(definition, syntaxes);
    const group = definition.group === undefined ? undefined : groups.get(definition.group);
    const others = group?.collaboration && groupAware > 0 ? otherMembersPhrases(definition, options.bots, groupAware) : [];
    const classifier = trainedHere(definition) ? await trainBot(definition, others, matchers, options) : undefined;
    bots.set(definition.id, new CompiledBot(definition, dialogs, classifier));
    directory.register(definition.id, definition.skills);
  }

  const groupClassifiers = new Map<string, GroupClassifier>();
  if (options.groupClassifier ?? true) {
    for (const group of groups.values()) {
      const classifier = group.collaboration && options.bots.some((b) => b.group === group.id && trainedHere(b)) ? await trainGroupClassifier(group.id, options.bots, matchers, options) : undefined;
      if (classifier) groupClassifiers.set(group.id, classifier);
    }
  }

  const transport = await singleService<TransferTransport>(container, TransferTransport, 'transfer transport', loaded);
  opened.push(transport);
  if (transport.sendMessage && states instanceof MemoryConversationStateStore) {
    throw new BottangoError(
      BottangoErrorCode.InvalidConfiguration,
      `transport "${options.transport ?? transport.id}" runs bots in other processes, so they must share the conversations: set state (or store) to redis://… or sqlite:<path>, not memory`,
      { details: { field: 'state', value: stateSetting } },
    );
  }
  return new BottangoRuntime({
    bots,
    groups,
    groupClassifiers,
    store,
    states,
    transport,
    directory,
    logger,
    clock,
    maxEscalationRetries: options.maxEscalationRetries ?? 3,
    transcriptLimit: options.transcriptLimit ?? 50,
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    plugins: [...loaded, ...(statePluginLoaded ? [statePluginLoaded] : []), ...bundled].map(({ module: _module, ...info }) => ({ ...info, bundled: bundled.some((b) => b.package === info.package) })),
    ...(localBots ? { localBots } : {}),
    onClose: async () => {
      await transport.close?.();
      await states.close?.();
      await store.close();
    },
  });
}

/** Loads a plugin's module; a module that throws while binding is reported naming its package. */
function loadPluginModule(container: Container, plugin: LoadedPlugin): void {
  try {
    container.load(plugin.module);
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.PluginLoadFailed, `plugin ${plugin.package} failed while binding its services: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { plugins: [plugin.package] },
    });
  }
}

/**
 * The one implementation of a service. When several plugins bind it (a store plugin and a `store` setting, say),
 * the error names them instead of inversify's "Ambiguous bindings".
 */
async function singleService<T>(container: Container, id: symbol, what: string, loaded: readonly LoadedPlugin[]): Promise<T> {
  try {
    return await container.getAsync<T>(id);
  } catch (error) {
    const providers = loaded.filter((plugin) => describePluginModule(plugin.module).includes(what)).map((plugin) => plugin.package);
    if (providers.length < 2) throw error;
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${providers.length} plugins provide the ${what} (${providers.join(', ')}); load one of them`, { cause: error });
  }
}

/** What is wrong with a starter pattern, or `undefined` when it compiles. */
function patternProblem(syntaxes: ReadonlyMap<string, StarterPatternSyntax>, syntax: string, pattern: string): string | undefined {
  const compiler = syntaxes.get(syntax);
  if (!compiler) return `no plugin provides pattern syntax "${syntax}" (loaded: ${[...syntaxes.keys()].join(', ') || 'none'})`;
  try {
    compiler.compile(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The out-of-scope intent of group-aware training; it has no dialog and matchers never return it. */
export const GROUP_OTHERS_INTENT_ID = '__other_bots_of_the_group';
const DEFAULT_GROUP_AWARE_PHRASES = 5;

/** `perIntent` phrases (spread evenly) of every intent of the other bots of `bot`'s group. */
function otherMembersPhrases(bot: BotDefinition, all: readonly BotDefinition[], perIntent: number): string[] {
  return all
    .filter((b) => b.id !== bot.id && b.group === bot.group)
    .flatMap((b) => b.intents)
    .flatMap((intent) => {
      const phrases = intent.trainingPhrases;
      if (phrases.length <= perIntent) return [...phrases];
      const step = phrases.length / perIntent;
      return Array.from({ length: perIntent }, (_, i) => phrases[Math.floor(i * step)] as string);
    });
}

/** The group classifier of a group whose members (two or more) start dialogs from intents with one matcher. */
async function trainGroupClassifier(groupId: string, all: readonly BotDefinition[], matchers: ReadonlyMap<string, IntentMatcher>, options: RuntimeOptions): Promise<GroupClassifier | undefined> {
  const members = all.filter((b) => b.group === groupId && usesIntents(b));
  const wanted = new Set(members.map((b) => matcherIdOf(b, matchers, options)));
  const matcher = wanted.size === 1 ? matchers.get([...wanted][0] as string) : undefined;
  if (members.length < 2 || !matcher) return undefined;
  const progress = options.onTrainingProgress;
  const classifier = await matcher.train(GroupClassifier.intentsOf(members), progress ? { onProgress: (done, total) => progress(`group:${groupId}`, done, total) } : {});
  return new GroupClassifier(groupId, classifier);
}

function usesIntents(definition: BotDefinition): boolean {
  // Dialog starters on intents, or questions with a response condition on an intent.
  const intentCondition = (d: BotDefinition['dialogs'][number]): boolean => d.interactions.some((i) => i.type === 'question' && (i.conditions ?? []).some((c) => c.match === 'intent'));
  return definition.intents.length > 0 && definition.dialogs.some((d) => d.starter?.intent !== undefined || intentCondition(d));
}

function matcherIdOf(definition: BotDefinition, matchers: ReadonlyMap<string, IntentMatcher>, options: RuntimeOptions): string | undefined {
  return definition.settings?.intentMatcher ?? options.defaultIntentMatcher ?? (matchers.size === 1 ? [...matchers.keys()][0] : 'natural');
}

async function trainBot(definition: BotDefinition, groupOthers: readonly string[], matchers: ReadonlyMap<string, IntentMatcher>, options: RuntimeOptions): Promise<IntentClassifier | undefined> {
  if (!usesIntents(definition)) return undefined;
  const wanted = matcherIdOf(definition, matchers, options);
  const matcher = wanted === undefined ? undefined : matchers.get(wanted);
  if (!matcher) {
    const loaded = [...matchers.keys()];
    throw new BottangoError(
      BottangoErrorCode.InvalidConfiguration,
      `bot "${definition.id}" starts dialogs from intents but intent matcher "${wanted ?? '(none)'}" is not loaded (loaded: ${loaded.join(', ') || 'none'}); load one, e.g. NaturalMatcherModule from @bottango/matcher-natural`,
      definition.source ? { where: definition.source } : {},
    );
  }
  const progress = options.onTrainingProgress;
  const intents = groupOthers.length > 0 ? [...definition.intents, { id: GROUP_OTHERS_INTENT_ID, name: 'other bots of the group', trainingPhrases: groupOthers }] : definition.intents;
  return matcher.train(intents, {
    ...(groupOthers.length > 0 ? { outOfScopeIntentIds: [GROUP_OTHERS_INTENT_ID] } : {}),
    ...(progress ? { onProgress: (done: number, total: number) => progress(definition.id, done, total) } : {}),
  });
}
