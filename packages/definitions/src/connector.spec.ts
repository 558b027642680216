import type { BotDefinition } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { problemsOfYaml as problemsOfFile } from './__fixtures__/problems.js';
import { parseBotDefinition, validateBotDefinitions, type DefinitionProblem } from './index.js';

const FILE = 'bots/router.yaml';

function problemsOfYaml(text: string): Pick<DefinitionProblem, 'path' | 'message'>[] {
  return problemsOfFile(text, FILE).map(({ path, message }) => ({ path, message }));
}

const bot = (connector: string, interaction = '      - transfer: { skill: billing, message: "Line one\\\\nLine two" }'): string => `
id: router
skills: [routing]
connector:
${connector}
dialogs:
  - name: Hand over
    starter: { patterns: ["*"] }
    interactions:
${interaction}
`;

describe('the connector section of a bot file', () => {
  it('reads every setting of the agent connector, and the transfer interaction delay and response variable', () => {
    const definition = parseBotDefinition(
      bot(
        [
          '  skipAgentMessage: false',
          '  defaultGreetingMessage: hello there',
          '  disableGreetings: true',
          '  messageDelay: 500',
          '  maxEscalationRetries: 5',
          '  fallbackEscalationTime: 60000',
          '  fallbackSkillId: 4711',
          '  escalateOnStuckConversation: true',
          '  escalationSkillIdOnStuckConversation: humans',
          '  escalationMessageOnStuckConversation: Let me find a person.',
          '  messageResendMaxRetries: 2',
          '  retryMessageInterval: 1000',
          '  userRetryOnStuckConversation: Please try again.',
        ].join('\n'),
        '      - transfer: { skill: billing, message: BLANK_MESSAGE, responseDataVariable: outcome }\n        interactionDelay: 2000',
      ),
      FILE,
    );
    expect(definition.connector).toEqual({
      skipAgentMessage: false,
      defaultGreetingMessage: 'hello there',
      disableGreetings: true,
      messageDelay: 500,
      maxEscalationRetries: 5,
      fallbackEscalationTime: 60_000,
      fallbackSkillId: '4711',
      escalateOnStuckConversation: true,
      escalationSkillIdOnStuckConversation: 'humans',
      escalationMessageOnStuckConversation: 'Let me find a person.',
      messageResendMaxRetries: 2,
      retryMessageInterval: 1000,
      userRetryOnStuckConversation: 'Please try again.',
    });
    expect(definition.dialogs[0]?.interactions[0]).toMatchObject({ type: 'agentTransfer', interactionDelay: 2000, responseDataVariable: 'outcome' });
  });

  it('reports bad values and unknown keys with their path', () => {
    expect(problemsOfYaml(bot('  messageDelay: -1\n  fallbackEscalationTime: 0\n  skipAgentMessages: true\n  disableGreetings: "no"'))).toEqual([
      { path: 'connector.messageDelay', message: 'must be at least 0, got the number -1' },
      { path: 'connector.fallbackEscalationTime', message: 'must be at least 1, got the number 0' },
      { path: 'connector.skipAgentMessages', message: "unknown key 'skipAgentMessages', did you mean 'skipAgentMessage'?" },
      { path: 'connector.disableGreetings', message: "expected true or false, got the string 'no'" },
    ]);
    // Node fires a timer longer than 2^31 - 1 ms at once: 30 days would time every transfer out immediately.
    expect(problemsOfYaml(bot('  fallbackEscalationTime: 2592000000'))).toEqual([
      { path: 'connector.fallbackEscalationTime', message: 'must be at most 2147483647, got the number 2592000000' },
    ]);
    // The same for a transfer's interaction delay.
    const delayed = (ms: string) => bot('  messageDelay: 0', `      - transfer: { skill: billing, message: hi }\n        interactionDelay: ${ms}`);
    expect(problemsOfYaml(delayed('2592000000')).map((p) => p.message)).toEqual(['must be at most 2147483647, got the number 2592000000']);
    expect(problemsOfYaml(delayed('-1')).map((p) => p.message)).toEqual(['must be at least 0, got the number -1']);
  });

  it('checks the connector of bots built in code', () => {
    const router: BotDefinition = {
      id: 'router',
      skills: ['routing'],
      intents: [],
      dialogs: [{ name: 'Hand over', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'hi' }] }],
      connector: { messageDelay: 1.5, fallbackSkillId: 'routing', disableGreetings: 'yes' as unknown as boolean, greeting: 'hi', escalationSkillIdOnStuckConversation: 'routing' } as never,
    };
    expect(validateBotDefinitions([router]).errors.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'connector.messageDelay', message: 'must be a whole number of milliseconds from 0 to 2147483647 (about 24.8 days), got 1.5' },
      { path: 'connector.disableGreetings', message: 'must be true or false, got "yes"' },
      { path: 'connector.greeting', message: expect.stringContaining("unknown connector setting 'greeting' (known: skipAgentMessage,") },
      { path: 'connector.fallbackSkillId', message: "bot 'router' holds skill 'routing' itself: the transfer would come back to it (a transfer loop)" },
      { path: 'connector.escalationSkillIdOnStuckConversation', message: "bot 'router' holds skill 'routing' itself: the transfer would come back to it (a transfer loop)" },
    ]);
  });

  it("checks a transfer's interactionDelay in bots built in code (Node fires a timer over 2^31 − 1 ms at once)", () => {
    const withDelay = (interactionDelay: number): BotDefinition => ({
      id: 'router',
      skills: ['routing'],
      intents: [],
      dialogs: [{ name: 'Hand over', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'agentTransfer', skill: 'billing', message: 'hi', interactionDelay }] }],
    });
    for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) {
      expect(validateBotDefinitions([withDelay(bad)]).errors.map(({ path, message }) => ({ path, message })), String(bad)).toEqual([
        { path: 'dialogs[0].interactions[0].interactionDelay', message: `interactionDelay must be a whole number of milliseconds from 0 to 2147483647, got ${String(bad)}` },
      ]);
    }
    expect(validateBotDefinitions([withDelay(2000)]).errors).toEqual([]);
  });
});
