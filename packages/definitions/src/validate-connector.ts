import type { AgentConnectorSettings, BotDefinition } from '@bottango/core';
import type { DefinitionProblem } from './problems.js';
import { botProblem } from './registry.js';
import { MAX_TIMER_MS } from './timer-limit.js';

type Kind = 'boolean' | 'text' | 'skill' | 'count' | 'ms';

/** What each connector field holds; the bot file schema (`connectorSchema`) says the same for files. */
const FIELDS: Readonly<Record<keyof AgentConnectorSettings, Kind>> = {
  skipAgentMessage: 'boolean',
  defaultGreetingMessage: 'text',
  disableGreetings: 'boolean',
  messageDelay: 'ms',
  maxEscalationRetries: 'count',
  fallbackEscalationTime: 'ms',
  fallbackSkillId: 'skill',
  escalateOnStuckConversation: 'boolean',
  escalationSkillIdOnStuckConversation: 'skill',
  escalationMessageOnStuckConversation: 'text',
  messageResendMaxRetries: 'count',
  retryMessageInterval: 'ms',
  userRetryOnStuckConversation: 'text',
};

const EXPECTED: Readonly<Record<Kind, string>> = {
  boolean: 'true or false',
  text: 'a non-empty string',
  skill: 'a non-empty skill ID',
  count: 'a whole number >= 0',
  ms: `a whole number of milliseconds from 0 to ${MAX_TIMER_MS} (about 24.8 days)`,
};

function fits(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
    case 'skill':
      return typeof value === 'string' && value.trim() !== '';
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0;
    case 'ms':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIMER_MS;
  }
}

/** The agent connector section of a bot built in code (bot files get the same checks from the schema). */
export function checkConnector(bot: BotDefinition, errors: DefinitionProblem[]): void {
  const connector = bot.connector as Readonly<Record<string, unknown>> | undefined;
  if (connector === undefined) return;
  for (const [key, value] of Object.entries(connector)) {
    const kind = FIELDS[key as keyof AgentConnectorSettings];
    if (kind === undefined) errors.push(botProblem(bot, ['connector', key], `unknown connector setting '${key}' (known: ${Object.keys(FIELDS).join(', ')})`));
    else if (value !== undefined && !fits(kind, value)) errors.push(botProblem(bot, ['connector', key], `must be ${EXPECTED[kind]}, got ${JSON.stringify(value)}`));
  }
  if (connector['fallbackEscalationTime'] === 0) errors.push(botProblem(bot, ['connector', 'fallbackEscalationTime'], 'must be at least 1 ms'));
  for (const key of ['fallbackSkillId', 'escalationSkillIdOnStuckConversation'] as const) {
    const skill = connector[key];
    if (typeof skill === 'string' && bot.skills.includes(skill)) errors.push(botProblem(bot, ['connector', key], `bot '${bot.id}' holds skill '${skill}' itself: the transfer would come back to it (a transfer loop)`));
  }
}
