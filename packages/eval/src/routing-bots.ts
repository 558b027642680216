import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BLANK_MESSAGE, BottangoError, BottangoErrorCode, DialogType, type BotDefinition, type BotGroupDefinition, type DialogDefinition, type IntentDefinition } from '@bottango/core';
import type { IntentDataset } from './intent-dataset.js';

/**
 * How the concierge hands a conversation to the domain bot:
 * - `group`: automatic transfers — every bot is in one collaborative group and the concierge owns no intents;
 * - `intent`: manual transfer with the intent ID in the Tango Context — the concierge owns every intent;
 * - `message`: manual transfer with only the user message — the concierge recognises the intent (as in `intent` mode) only to
 *   pick the receiving bot, and hands over the user's words; the receiver matches them against its own intents.
 */
export type RoutingMode = 'group' | 'intent' | 'message';
export const ROUTING_MODES: readonly RoutingMode[] = ['group', 'intent', 'message'];

/** Domain name → the intents its bot owns, as read from a domains file (`{"<domain>": ["<intent>", …]}`). */
export interface RoutingDomains {
  /** The file it was read from. */
  readonly file: string;
  /** In file order. */
  readonly domains: ReadonlyMap<string, readonly string[]>;
}

/** Bot IDs and skills are the domain names, so they must be usable as both. */
const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** ID (and skill) of the generated front bot; no domain may use it. */
export const CONCIERGE_BOT_ID = 'concierge';
/** ID of the collaborative group of `group` mode. */
export const ROUTING_GROUP_ID = 'routing';
/** Name of every generated bot's fallback dialog. */
export const ROUTING_FALLBACK_DIALOG = 'Fallback';

/** Reads a domains file; throws INVALID_DATASET naming the file, key and value that are wrong. */
export async function loadRoutingDomains(file: string): Promise<RoutingDomains> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.InvalidDataset, `cannot read domains file: ${(cause as Error).message}`, { where: file, cause });
  }
  return parseRoutingDomains(content, file);
}

/**
 * Parses `{"<domain>": ["<intent>", …]}`: at least one domain, each a name usable as a bot ID and skill
 * (letters, digits, `_ . -`; not `concierge`) with a non-empty list of distinct intent names, no intent in two domains.
 */
export function parseRoutingDomains(content: string, file: string): RoutingDomains {
  const fail = (message: string, key?: string): never => {
    throw new BottangoError(BottangoErrorCode.InvalidDataset, message, { where: file, ...(key === undefined ? {} : { details: { key } }) });
  };
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return fail(`domains file is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('domains file must be a JSON object {"<domain>": ["<intent>", …]}');
  const domains = new Map<string, readonly string[]>();
  const owner = new Map<string, string>();
  for (const [domain, intents] of Object.entries(value as Record<string, unknown>)) {
    if (!DOMAIN_NAME.test(domain)) fail(`domain "${domain}": a domain name becomes a bot ID and skill, so it must be letters, digits, "_", "." or "-"`, domain);
    if (domain === CONCIERGE_BOT_ID) fail(`domain "${domain}": the name is taken by the generated concierge bot`, domain);
    if (!Array.isArray(intents) || intents.length === 0) fail(`domain "${domain}": must be a non-empty array of intent names, got ${JSON.stringify(intents)}`, domain);
    const list: string[] = [];
    (intents as unknown[]).forEach((intent, i) => {
      if (typeof intent !== 'string' || intent.trim().length === 0) fail(`domain "${domain}"[${i}]: an intent name must be a non-empty string, got ${JSON.stringify(intent)}`, domain);
      const name = intent as string;
      const other = owner.get(name);
      if (other !== undefined) fail(`domain "${domain}"[${i}]: intent "${name}" is already in domain "${other}" (an intent belongs to one bot)`, domain);
      owner.set(name, domain);
      list.push(name);
    });
    domains.set(domain, list);
  }
  if (domains.size === 0) fail('domains file has no domains');
  return { file, domains };
}

export interface RoutingBotsOptions {
  readonly mode: RoutingMode;
  /** Label of out-of-scope examples. Default `oos`: never a bot intent; its train examples are not used. */
  readonly outOfScopeIntent?: string;
  /** Intent matcher the generated bots name in their settings. Default `natural`. */
  readonly intentMatcher?: string;
}

/** The generated bots of one mode, and where each intent lives. */
export interface RoutingBots {
  readonly mode: RoutingMode;
  readonly bots: readonly BotDefinition[];
  readonly groups: readonly BotGroupDefinition[];
  readonly conciergeId: string;
  /** Dataset intent → ID of the domain bot that owns it (its dialog has the intent's name). */
  readonly botOfIntent: ReadonlyMap<string, string>;
  readonly outOfScopeIntent: string;
}

/**
 * Generates one bot per domain (each intent of the domain a dialog: starter = the intent, one text interaction; trained
 * on the `train` split) plus a concierge bot that takes every first message, wired for `mode`.
 *
 * Checks the data against the domains first and throws INVALID_DATASET on: an intent of the domains file that is not in
 * the dataset, a dataset intent (other than the out-of-scope label) that is in no domain — an error, not a warning, because
 * its test utterances could never be routed right and silently dropping them would inflate the figures —, the
 * out-of-scope label listed in a domain, and an intent with no train examples.
 */
export function buildRoutingBots(dataset: IntentDataset, domains: RoutingDomains, options: RoutingBotsOptions): RoutingBots {
  const oos = options.outOfScopeIntent ?? 'oos';
  const matcher = options.intentMatcher ?? 'natural';
  if (!(ROUTING_MODES as readonly string[]).includes(options.mode)) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `routing mode must be one of ${ROUTING_MODES.join(', ')}, got ${JSON.stringify(options.mode)}`);
  }
  const phrases = new Map<string, string[]>();
  const firstLine = new Map<string, number>();
  dataset.examples.forEach((e, i) => {
    if (!firstLine.has(e.intent)) firstLine.set(e.intent, i);
    let list = phrases.get(e.intent);
    if (list === undefined) phrases.set(e.intent, (list = []));
    if (e.split === 'train') list.push(e.text);
  });
  const problems: string[] = [];
  const botOfIntent = new Map<string, string>();
  for (const [domain, intents] of domains.domains) {
    for (const intent of intents) {
      if (intent === oos) problems.push(`${domains.file}: domain "${domain}" lists "${intent}", the out-of-scope label; it is never a bot intent`);
      else if (!phrases.has(intent)) problems.push(`${domains.file}: domain "${domain}" lists intent "${intent}", which is not in ${dataset.file}`);
      else if ((phrases.get(intent) as string[]).length === 0) problems.push(`${dataset.file}: intent "${intent}" (domain "${domain}") has no train examples`);
      botOfIntent.set(intent, domain);
    }
  }
  const unassigned = [...phrases.keys()].filter((intent) => intent !== oos && !botOfIntent.has(intent));
  if (unassigned.length > 0) {
    const lines = lineNumbers(dataset.file, new Set(unassigned));
    for (const intent of unassigned) {
      const where = lines.get(intent) ?? `example ${(firstLine.get(intent) ?? 0) + 1}`;
      problems.push(`${dataset.file}:${typeof where === 'number' ? where : ` ${where}`}: intent "${intent}" is in no domain of ${domains.file}`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    throw new BottangoError(BottangoErrorCode.InvalidDataset, `the dataset and the domains do not agree:\n  ${shown.join('\n  ')}${more}`, { details: { problems } });
  }

  const grouped = options.mode === 'group';
  const domainBots: BotDefinition[] = [...domains.domains].map(([domain, intents]) => ({
    id: domain,
    name: domain,
    skills: [domain],
    ...(grouped ? { group: ROUTING_GROUP_ID } : {}),
    intents: intents.map((intent) => intentOf(intent, domain, phrases.get(intent) as string[])),
    dialogs: [
      ...intents.map(
        (intent): DialogDefinition => ({
          name: intent,
          type: DialogType.Standard,
          starter: { intent },
          interactions: [{ type: 'text', text: `${domain}: ${intent.replace(/_/g, ' ')}` }],
        }),
      ),
      fallbackDialog(`${domain}: sorry, I did not understand.`),
    ],
    settings: { intentMatcher: matcher },
  }));
  const concierge = conciergeBot(options.mode, domains, phrases, matcher);
  return {
    mode: options.mode,
    bots: [concierge, ...domainBots],
    groups: grouped ? [{ id: ROUTING_GROUP_ID, collaboration: true, transferMessage: BLANK_MESSAGE }] : [],
    conciergeId: CONCIERGE_BOT_ID,
    botOfIntent,
    outOfScopeIntent: oos,
  };
}

/** First line of the file where each of `intents` appears (read again only to word an error). */
function lineNumbers(file: string, intents: ReadonlySet<string>): Map<string, number> {
  const found = new Map<string, number>();
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    return found;
  }
  content.split('\n').forEach((line, i) => {
    if (found.size === intents.size || line.trim().length === 0) return;
    try {
      const intent = (JSON.parse(line) as { intent?: unknown }).intent;
      if (typeof intent === 'string' && intents.has(intent) && !found.has(intent)) found.set(intent, i + 1);
    } catch {
      // the dataset was parsed already; a line that does not parse here is not ours to report
    }
  });
  return found;
}

/** `count` items taken evenly from `items` (all of them when there are fewer). */
function intentOf(id: string, domain: string, trainingPhrases: readonly string[]): IntentDefinition {
  return { id, name: id.replace(/_/g, ' '), domain, trainingPhrases };
}

function fallbackDialog(text: string): DialogDefinition {
  return { name: ROUTING_FALLBACK_DIALOG, type: DialogType.Fallback, interactions: [{ type: 'text', text }] };
}

function conciergeBot(mode: RoutingMode, domains: RoutingDomains, phrases: ReadonlyMap<string, readonly string[]>, matcher: string): BotDefinition {
  const base = { id: CONCIERGE_BOT_ID, name: 'Concierge', skills: [CONCIERGE_BOT_ID], settings: { intentMatcher: matcher } } as const;
  const fallback = fallbackDialog('Sorry, none of our bots can help with that.');
  if (mode === 'group') {
    // Owns no intents: whatever it cannot answer, the group's automatic transfer hands to the best bot.
    return { ...base, group: ROUTING_GROUP_ID, intents: [], dialogs: [fallback] };
  }
  // intent and message modes: the concierge recognises the user's intent among all intents (one classifier) to pick
  // the receiving bot; `intent` hands over the intent ID, `message` only the user's words for the receiver to match.
  const all = [...domains.domains].flatMap(([domain, intents]) => intents.map((intent) => ({ domain, intent })));
  return {
    ...base,
    intents: all.map(({ domain, intent }) => intentOf(intent, domain, phrases.get(intent) ?? [])),
    dialogs: [
      ...all.map(
        ({ domain, intent }): DialogDefinition => ({
          name: intent,
          type: DialogType.Standard,
          starter: { intent },
          interactions: [
            {
              type: 'agentTransfer',
              skill: domain,
              message: BLANK_MESSAGE,
              tangoContext: true,
              preProcess:
                mode === 'intent'
                  ? (botContext) => botContext.setBotTransferIntentId(intent)
                  : (botContext) => botContext.setBotTransferUserMessage(botContext.getCurrentUserMessage()),
            },
          ],
        }),
      ),
      fallback,
    ],
  };
}
