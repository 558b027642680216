import type { BotDefinition, BotGroupDefinition } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { MAX_BOTS_PER_GROUP, parseBotDefinition, validateBotDefinitions } from './index.js';

/** A small valid bot built in code, as the runtime would receive it from TypeScript. */
function bot(id: string, extra: Partial<BotDefinition> = {}): BotDefinition {
  return {
    id,
    skills: [id],
    intents: [],
    dialogs: [{ name: 'Hi', type: 'standard', starter: { patterns: ['hi'] }, interactions: [{ type: 'text', text: 'Hello' }] }],
    ...extra,
  };
}

function transferTo(skill: string, name = 'Escalate'): BotDefinition['dialogs'][number] {
  return { name, type: 'standard', starter: { patterns: ['agent'] }, interactions: [{ type: 'agentTransfer', skill, message: 'One moment', tangoContext: true }] };
}

describe('validateBotDefinitions', () => {
  it('accepts a consistent set of bots and groups', () => {
    const support: BotGroupDefinition = { id: 'support', collaboration: true };
    const result = validateBotDefinitions(
      [bot('router', { group: 'support', dialogs: [transferTo('billing')] }), bot('billing', { group: 'support' })],
      [support],
    );
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it('names bots built in code by source, or by (bot <id>), with the path in the model', () => {
    const result = validateBotDefinitions([
      bot('router', { source: 'src/router.ts', dialogs: [transferTo('router')] }),
      bot('billing', { dialogs: [{ name: 'Hi', type: 'standard', interactions: [{ type: 'agentTransfer', skill: 'tech', message: '', tangoContext: false }] }] }),
    ]);
    expect(result.errors).toEqual([
      { file: 'src/router.ts', path: 'dialogs[0].interactions[0].skill', message: "transfer to skill 'router', which bot 'router' holds itself: the conversation would come back to it (a transfer loop)" },
      { file: '(bot billing)', path: 'dialogs[0]', message: "standard dialog 'Hi' has no starter patterns or intent, so nothing can start it; add a starter, or set disabled: true" },
      {
        file: '(bot billing)',
        path: 'dialogs[0].interactions[0].message',
        message: 'transfer has no message (it is sent to the user before the transfer); write one, or use BLANK_MESSAGE to send nothing',
      },
    ]);
  });

  it('reports duplicate bot IDs, naming the file of the first one', () => {
    const first = parseBotDefinition('id: billing\ndialogs: [{ name: Hi, starter: { patterns: [hi] }, interactions: [Hello] }]\n', 'bots/billing.yaml');
    const second = parseBotDefinition('\nid: billing\ndialogs: [{ name: Hi, starter: { patterns: [hi] }, interactions: [Hello] }]\n', 'bots/billing-copy.yaml');
    expect(validateBotDefinitions([first, second]).errors).toEqual([
      { file: 'bots/billing-copy.yaml', path: 'id', line: 2, column: 1, message: "duplicate bot id 'billing', also used by bots/billing.yaml" },
    ]);
  });

  it('reports a bot in an undeclared group, with the closest group', () => {
    const result = validateBotDefinitions([bot('a', { group: 'suport' }), bot('b', { group: 'sales' })], [{ id: 'support', collaboration: true }]);
    expect(result.errors).toEqual([
      { file: '(bot a)', path: 'group', message: "group 'suport' is not declared, did you mean 'support'?" },
      { file: '(bot b)', path: 'group', message: "group 'sales' is not declared (declared groups: support)" },
    ]);
    expect(validateBotDefinitions([bot('a', { group: 'support' })]).errors).toEqual([
      { file: '(bot a)', path: 'group', message: "group 'support' is not declared; no groups are declared: add it to groups.yaml" },
    ]);
  });

  it('reports duplicate group IDs', () => {
    const result = validateBotDefinitions([], [{ id: 'support', collaboration: true }, { id: 'support', collaboration: false }]);
    expect(result.errors).toEqual([{ file: '(group support)', path: 'id', message: "duplicate group id 'support'" }]);
  });

  it(`warns (does not fail) when a group has more than ${MAX_BOTS_PER_GROUP} bots`, () => {
    const group: BotGroupDefinition = { id: 'support', collaboration: true };
    const members = (count: number): BotDefinition[] => Array.from({ length: count }, (_, i) => bot(`bot${i}`, { group: 'support' }));
    expect(validateBotDefinitions(members(MAX_BOTS_PER_GROUP), [group]).warnings).toEqual([]);
    const result = validateBotDefinitions(members(MAX_BOTS_PER_GROUP + 1), [group]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { file: '(group support)', path: '', message: "group 'support' has 16 bots; keep a group to at most 15 bots (more makes automatic transfers slow and ambiguous)" },
    ]);
  });

  it('warns when a transfer goes to a skill no bot holds (it may be a human skill), but not for templated skills', () => {
    const router = bot('router', { dialogs: [transferTo('biling'), transferTo('{$botContext.skill}', 'Escalate by variable')] });
    const result = validateBotDefinitions([router, bot('billing')]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { file: '(bot router)', path: 'dialogs[0].interactions[0].skill', message: "no bot holds skill 'biling': this transfer fails late (no-agent-available, then __agent_escalation_failed__) unless a bot agent of another process holds it, did you mean 'billing'?" },
    ]);
  });

  it('warns when two bots hold the same skill, or two dialogs start from the same intent', () => {
    const intents = [{ id: 'refund', name: 'refund', trainingPhrases: ['refund'] }];
    const twice = bot('billing', {
      intents,
      dialogs: [
        { name: 'A', type: 'standard', starter: { intent: 'refund' }, interactions: [{ type: 'text', text: 'a' }] },
        { name: 'B', type: 'standard', starter: { intent: 'refund' }, interactions: [{ type: 'text', text: 'b' }] },
      ],
    });
    const result = validateBotDefinitions([twice, bot('copy', { skills: ['billing'] })]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { file: '(bot billing)', path: 'dialogs[1].starter.intent', message: "intent 'refund' also starts dialog 'A', which comes first and wins; give each dialog its own intent" },
      { file: '(bot copy)', path: 'skills[0]', message: "skill 'billing' is also held by bot 'billing'; a transfer to it may reach either bot" },
    ]);
  });

  it('warns when an intent name and domain mean different IDs in two bots (setBotTransferIntentbyDomain is ambiguous)', () => {
    const a = bot('a', { intents: [{ id: 'a.refund', name: 'refund', domain: 'billing', trainingPhrases: [] }] });
    const b = bot('b', { intents: [{ id: 'b.refund', name: 'refund', domain: 'billing', trainingPhrases: [] }] });
    const shared = bot('c', { intents: [{ id: 'a.refund', name: 'refund', domain: 'billing', trainingPhrases: [] }] });
    expect(validateBotDefinitions([a, shared]).warnings).toEqual([]);
    expect(validateBotDefinitions([a, b]).warnings).toEqual([
      {
        file: '(bot b)',
        path: 'intents[0].name',
        message: "intent 'refund' in domain 'billing' has id 'b.refund' here and 'a.refund' in bot 'a'; setBotTransferIntentbyDomain cannot tell them apart",
      },
    ]);
  });

  it('checks settings of bots built in code', () => {
    const result = validateBotDefinitions([bot('a', { settings: { maxEscalationRetries: -1, disambiguationOptions: 5 } })]);
    expect(result.errors).toEqual([
      { file: '(bot a)', path: 'settings.maxEscalationRetries', message: 'must be a whole number >= 0, got -1' },
      { file: '(bot a)', path: 'settings.disambiguationOptions', message: 'must be 2 or 3, got 5' },
    ]);
  });

  it('maps model paths back to the shorthand the author wrote, with the line', () => {
    const parsed = parseBotDefinition(
      `id: router
dialogs:
  - name: Escalate
    starter: { patterns: [agent] }
    interactions:
      - transfer: { skill: nobody, message: hi }
      - type: agentTransfer
        skill: nobody
        message: hi
`,
      'bots/router.yaml',
    );
    expect(validateBotDefinitions([parsed]).warnings).toEqual([
      { file: 'bots/router.yaml', path: 'dialogs[0].interactions[0].transfer.skill', line: 6, column: 21, message: "no bot holds skill 'nobody': this transfer fails late (no-agent-available, then __agent_escalation_failed__) unless a bot agent of another process holds it" },
      { file: 'bots/router.yaml', path: 'dialogs[0].interactions[1].skill', line: 8, column: 9, message: "no bot holds skill 'nobody': this transfer fails late (no-agent-available, then __agent_escalation_failed__) unless a bot agent of another process holds it" },
    ]);
  });
});
