import type { AgentTransferInteraction, BotContext } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { problemsOfYaml as problemsOfFile } from './__fixtures__/problems.js';
import { parseBotDefinition, type DefinitionProblem } from './index.js';

const FILE = 'bots/orders.yaml';

const problemsOf = (text: string): DefinitionProblem[] => problemsOfFile(text, FILE);

const DIALOGS = `dialogs:
  - name: Hello
    starter: { patterns: [hello] }
    interactions:
      - transfer: { skill: humans, message: BLANK_MESSAGE, agentId: 4711 }
      - type: agentTransfer
        skill: humans
        message: BLANK_MESSAGE
        agentId: "{$botContext.agent}"
`;

describe('bot file: environment, globalFunctions and agentId', () => {
  it('reads environment variables as strings, initConversation as a script, and agentId on both transfer forms', async () => {
    const bot = parseBotDefinition(
      `id: orders
environment:
  SKILL_ID: 12345
  REGION: eu
  DEBUG: true
globalFunctions:
  initConversation: |
    botContext.setBotVariable('started', 'yes');
${DIALOGS}`,
      FILE,
    );
    expect(bot.environment).toEqual({ SKILL_ID: '12345', REGION: 'eu', DEBUG: 'true' });
    const [short, long] = bot.dialogs[0]!.interactions as AgentTransferInteraction[];
    expect([short?.agentId, long?.agentId]).toEqual(['4711', '{$botContext.agent}']);
    const variables: Record<string, string> = {};
    await bot.globalFunctions?.initConversation?.({ setBotVariable: (name: string, value: string) => (variables[name] = value) } as unknown as BotContext);
    expect(variables).toEqual({ started: 'yes' });
  });

  it('reports a bad environment, an unknown global function and an initConversation that does not compile, with the path', () => {
    const problems = problemsOf(`id: orders
environment: { LIST: [1, 2] }
globalFunctions:
  initConversaton: "x"
${DIALOGS}`);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'environment.LIST: expected a string, got a list',
      "globalFunctions.initConversaton: unknown key 'initConversaton', did you mean 'initConversation'?",
    ]);
    const syntax = problemsOf(`id: orders
globalFunctions:
  initConversation: "botContext.("
${DIALOGS}`);
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ path: 'globalFunctions.initConversation' });
    expect(syntax[0]?.message).toContain('script does not compile: SyntaxError');
  });

  it('refuses __proto__ as an environment variable name', () => {
    const problems = problemsOf(`id: orders
environment:
  __proto__: x
${DIALOGS}`);
    expect(problems.map((p) => p.message).join('\n')).toContain("'__proto__' cannot be an environment variable name");
  });
});
