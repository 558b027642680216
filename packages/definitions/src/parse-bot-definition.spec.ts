import type { BotContext, BotDefinition } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { problemsOf } from './__fixtures__/problems.js';
import { parseBotDefinition, type DefinitionProblem } from './index.js';

const FILE = 'bots/billing.yaml';


function problemsOfYaml(text: string): DefinitionProblem[] {
  return problemsOf(() => parseBotDefinition(text, FILE));
}

/** A valid bot with `dialogs` replaced by the given YAML block. */
function withDialogs(dialogs: string, head = 'id: billing\nskills: [billing]\nintents:\n  - id: billing.refund\n    phrases: [refund]\n'): string {
  return `${head}dialogs:\n${dialogs}`;
}

const VALID = `
id: billing
name: Billing bot
skills: [billing, 1234]
group: support
settings: { maxEscalationRetries: 2, defaultUserFriendlyResponse: "Try later", intentMatcher: natural, disambiguationOptions: 2 }
intents:
  - id: billing.refund
    name: refund
    domain: billing
    phrases: ["i want a refund", "give me my money back"]
dialogs:
  - name: Refund
    starter: { intent: billing.refund, patterns: ["*refund*", { syntax: compromise, pattern: "#Verb my order" }], excludeKeywords: [cancel] }
    interactions:
      - I can help with refunds.
      - question: "What is your order number?"
        saveAs: orderNumber
        contextSwitching: false
        processUserResponse: await botContext.setContextDataForConversation('billing', 'order', botContext.getCurrentUserMessage())
      - transfer: { skill: tech, message: "Let me get tech support.", tangoContext: true }
        preProcess: |
          botContext.setBotTransferUserMessage(botContext.getCurrentUserMessage());
        onFailure: Sorry
      - name: Sorry
        text: "Sorry, that did not work."
        next: end
  - name: Fallback
    type: fallback
    interactions:
      - type: agentTransfer
        skill: humans
        message: BLANK_MESSAGE
`;

describe('parseBotDefinition', () => {
  it('reads every key of a valid bot, with shorthands expanded and defaults applied', () => {
    const bot = parseBotDefinition(VALID, FILE);
    expect(bot).toMatchObject({
      id: 'billing',
      name: 'Billing bot',
      skills: ['billing', '1234'],
      group: 'support',
      source: FILE,
      settings: { maxEscalationRetries: 2, defaultUserFriendlyResponse: 'Try later', intentMatcher: 'natural', disambiguationOptions: 2 },
      intents: [{ id: 'billing.refund', name: 'refund', domain: 'billing', trainingPhrases: ['i want a refund', 'give me my money back'] }],
    });
    const [refund, fallback] = bot.dialogs;
    expect(refund).toMatchObject({
      name: 'Refund',
      type: 'standard',
      starter: { intent: 'billing.refund', patterns: ['*refund*', { syntax: 'compromise', pattern: '#Verb my order' }], excludeKeywords: ['cancel'] },
    });
    expect(refund!.interactions.map((interaction) => interaction.type)).toEqual(['text', 'question', 'agentTransfer', 'text']);
    expect(refund!.interactions[0]).toEqual({ type: 'text', text: 'I can help with refunds.' });
    expect(refund!.interactions[1]).toMatchObject({ type: 'question', text: 'What is your order number?', saveAs: 'orderNumber', contextSwitching: false });
    expect(refund!.interactions[2]).toMatchObject({ type: 'agentTransfer', skill: 'tech', message: 'Let me get tech support.', tangoContext: true, onFailure: 'Sorry' });
    expect(refund!.interactions[3]).toEqual({ type: 'text', name: 'Sorry', text: 'Sorry, that did not work.', next: 'end' });
    expect(fallback).toMatchObject({ name: 'Fallback', type: 'fallback', interactions: [{ type: 'agentTransfer', skill: 'humans', message: 'BLANK_MESSAGE', tangoContext: false }] });
    expect(fallback!.starter).toBeUndefined();
  });

  it('reads the same bot from JSON', () => {
    const json = JSON.stringify({
      id: 'billing',
      skills: ['billing'],
      intents: [{ id: 'billing.refund', phrases: ['refund'] }],
      dialogs: [{ name: 'Refund', starter: { intent: 'billing.refund' }, interactions: [{ type: 'text', text: 'Hi' }] }],
    });
    const bot = parseBotDefinition(json, 'billing.json');
    expect(bot.intents[0]).toEqual({ id: 'billing.refund', name: 'billing.refund', trainingPhrases: ['refund'] });
    expect(bot.dialogs[0]!.interactions[0]).toEqual({ type: 'text', text: 'Hi' });
  });

  it('compiles scripts once into async functions that receive botContext and may await', async () => {
    const bot = parseBotDefinition(VALID, FILE);
    const question = bot.dialogs[0]!.interactions[1]!;
    const transfer = bot.dialogs[0]!.interactions[2]!;
    const calls: unknown[][] = [];
    const botContext = {
      getCurrentUserMessage: () => 'A-42',
      setContextDataForConversation: async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        calls.push(['setContextDataForConversation', ...args]);
        return true;
      },
      setBotTransferUserMessage: (...args: unknown[]) => calls.push(['setBotTransferUserMessage', ...args]),
    } as unknown as BotContext;
    expect(question.type === 'question' && question.processUserResponse).toBeTypeOf('function');
    if (question.type !== 'question' || !question.processUserResponse || !transfer.preProcess) throw new Error('scripts missing');
    await question.processUserResponse(botContext);
    await transfer.preProcess(botContext);
    expect(calls).toEqual([
      ['setContextDataForConversation', 'billing', 'order', 'A-42'],
      ['setBotTransferUserMessage', 'A-42'],
    ]);
    expect(transfer.preProcess.name).toBe(`${FILE} dialogs[0].interactions[2].preProcess`);
  });

  it('reports a script syntax error with file, path, the line inside the script and the SyntaxError message', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - text: hi
        postProcess: |
          const order = botContext.getBotVariable('order');
            botContext.setBotVariable('a', order
      - text: bye
        preProcess: botContext.setBotVariable('a' 'b')
`),
    );
    expect(problems).toEqual([
      {
        file: FILE,
        path: 'dialogs[0].interactions[0].postProcess',
        line: 13,
        column: 44,
        message: 'script does not compile: SyntaxError: missing ) after argument list (line 2 of the script)',
      },
      {
        file: FILE,
        path: 'dialogs[0].interactions[1].preProcess',
        line: 15,
        column: 47,
        message: 'script does not compile: SyntaxError: missing ) after argument list (line 1 of the script)',
      },
    ]);
  });

  it('rejects an empty file, a file of comments and a non-mapping root', () => {
    expect(problemsOfYaml('')).toEqual([{ file: FILE, path: '', message: 'the file is empty' }]);
    expect(problemsOfYaml('# nothing here\n')).toEqual([{ file: FILE, path: '', message: 'the file is empty' }]);
    expect(problemsOfYaml('- id: a\n')).toEqual([
      { file: FILE, path: '', line: 1, column: 1, message: "the file must hold a mapping with the bot's keys (id, skills, intents, dialogs…), got a list" },
    ]);
  });

  it('reports invalid YAML with its line and column', () => {
    const problems = problemsOfYaml('id: billing\nskills: [billing\ndialogs: []\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: FILE, path: '', line: expect.any(Number), message: expect.stringMatching(/^invalid syntax: /) });
  });

  it('reports a duplicate key and several YAML documents in one file', () => {
    expect(problemsOfYaml('id: a\nid: b\n')).toEqual([{ file: FILE, path: '', line: 2, column: 1, message: 'invalid syntax: Map keys must be unique' }]);
    expect(problemsOfYaml('id: a\n---\nid: b\n')).toEqual([
      { file: FILE, path: '', line: 2, message: 'the file holds 2 YAML documents (separated by ---); put one definition in each file' },
    ]);
  });

  it('reports unknown keys with the closest allowed key, at every level', () => {
    const problems = problemsOfYaml(`id: billing
skils: [billing]
settings: { disambigOptions: 2 }
intents:
  - id: billing.refund
    phrase: [refund]
dialogs:
  - name: Refund
    starter: { intent: billing.refund, patern: ["*refund*"] }
    interactions:
      - text: hi
        nxt: end
      - transfer: { skil: tech, message: hi }
`);
    expect(problems).toEqual([
      { file: FILE, path: 'skils', line: 2, column: 1, message: "unknown key 'skils', did you mean 'skills'?" },
      { file: FILE, path: 'settings.disambigOptions', line: 3, column: 13, message: "unknown key 'disambigOptions', did you mean 'disambiguationOptions'?" },
      { file: FILE, path: 'intents[0].phrase', line: 6, column: 5, message: "unknown key 'phrase', did you mean 'phrases'?" },
      { file: FILE, path: 'dialogs[0].starter.patern', line: 9, column: 40, message: "unknown key 'patern', did you mean 'patterns'?" },
      { file: FILE, path: 'dialogs[0].interactions[0].nxt', line: 12, column: 9, message: "unknown key 'nxt', did you mean 'next'?" },
      { file: FILE, path: 'dialogs[0].interactions[1].transfer.skill', line: 13, column: 9, message: "missing required key 'skill'" },
      { file: FILE, path: 'dialogs[0].interactions[1].transfer.skil', line: 13, column: 21, message: "unknown key 'skil', did you mean 'skill'?" },
    ]);
  });

  it('reports type errors, missing keys and bad enum values', () => {
    const problems = problemsOfYaml(`name: 5
skills: billing
settings: { maxEscalationRetries: 1.5, disambiguationOptions: 4 }
dialogs:
  - name: ""
    type: fallbak
    disabled: "no"
    interactions: []
`);
    expect(problems).toEqual([
      { file: FILE, path: 'id', line: 1, column: 1, message: "missing required key 'id'" },
      { file: FILE, path: 'name', line: 1, column: 1, message: 'expected a string, got the number 5' },
      { file: FILE, path: 'skills', line: 2, column: 1, message: "expected a list, got the string 'billing'" },
      { file: FILE, path: 'settings.maxEscalationRetries', line: 3, column: 13, message: 'expected a whole number, got the number 1.5' },
      { file: FILE, path: 'settings.disambiguationOptions', line: 3, column: 40, message: 'expected one of 2, 3, got the number 4' },
      { file: FILE, path: 'dialogs[0].name', line: 5, column: 5, message: 'must not be empty' },
      { file: FILE, path: 'dialogs[0].type', line: 6, column: 5, message: "expected one of 'standard', 'fallback', 'disambiguation', 'auto-escalation', got the string 'fallbak', did you mean 'fallback'?" },
      { file: FILE, path: 'dialogs[0].disabled', line: 7, column: 5, message: "expected true or false, got the string 'no'" },
      { file: FILE, path: 'dialogs[0].interactions', line: 8, column: 5, message: 'needs at least 1 item' },
    ]);
  });

  it('reports interactions whose kind cannot be told, or whose type is unknown', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - question: "Order number?"
        text: hi
      - name: Alone
      - txt: hi
      - type: transfer
        skill: tech
        message: hi
      - 42
`),
    );
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[0].interactions[0]', line: 10, column: 9, message: 'an interaction has exactly one of text, question, transfer; this one has text and question' },
      { file: FILE, path: 'dialogs[0].interactions[1]', line: 12, column: 9, message: 'an interaction needs one of the keys text, question or transfer (or a type)' },
      { file: FILE, path: 'dialogs[0].interactions[2].txt', line: 13, column: 9, message: "unknown key 'txt', did you mean 'text'?" },
      { file: FILE, path: 'dialogs[0].interactions[3].type', line: 14, column: 9, message: `unknown interaction type "transfer"; expected one of text, question, agentTransfer, did you mean 'agentTransfer'?` },
      { file: FILE, path: 'dialogs[0].interactions[4]', line: 17, column: 9, message: 'expected an interaction (a string, or a mapping with text, question or transfer), got a number' },
    ]);
  });

  it('reports invalid starter patterns: wrong shape, and what validatePattern says', () => {
    const text = withDialogs(`  - name: Refund
    starter:
      patterns:
        - "(refund"
        - { syntax: compromise, pattern: "#Verb" }
        - { syntax: compromise }
        - 3
    interactions: [hi]
`);
    expect(problemsOfYaml(text)).toEqual([
      { file: FILE, path: 'dialogs[0].starter.patterns[2].pattern', line: 12, column: 11, message: "missing required key 'pattern'" },
      { file: FILE, path: 'dialogs[0].starter.patterns[3]', line: 13, column: 11, message: 'expected a pattern string or { syntax, pattern }, got the number 3' },
    ]);
    const fixed = text.replace('        - { syntax: compromise }\n        - 3\n', '');
    const seen: string[] = [];
    const problems = problemsOf(() =>
      parseBotDefinition(fixed, FILE, {
        validatePattern: (syntax, pattern) => {
          seen.push(`${syntax}:${pattern}`);
          return pattern.startsWith('(') ? 'unclosed group' : undefined;
        },
      }),
    );
    expect(seen).toEqual(['pattern:(refund', 'compromise:#Verb']);
    expect(problems).toEqual([{ file: FILE, path: 'dialogs[0].starter.patterns[0]', line: 10, column: 11, message: 'invalid pattern "(refund": unclosed group' }]);
  });

  it('reports duplicate intent IDs and duplicate dialog names', () => {
    const problems = problemsOfYaml(`id: billing
intents:
  - id: billing.refund
  - id: billing.refund
dialogs:
  - name: Refund
    starter: { intent: billing.refund }
    interactions: [hi]
  - name: Refund
    starter: { patterns: [refund] }
    interactions: [hi]
`);
    expect(problems).toEqual([
      { file: FILE, path: 'intents[1].id', line: 4, column: 5, message: "duplicate intent id 'billing.refund' (first at intents[0])" },
      { file: FILE, path: 'dialogs[1].name', line: 9, column: 5, message: "duplicate dialog name 'Refund' (first at dialogs[0])" },
    ]);
  });

  it('reports a starter naming an unknown intent, with the closest intent', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refnd }
    interactions: [hi]
`),
    );
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[0].starter.intent', line: 8, column: 16, message: "unknown intent 'billing.refnd', did you mean 'billing.refund'?" },
    ]);
  });

  it('reports a standard dialog nothing can start, unless it is disabled', () => {
    const text = withDialogs(`  - name: Orphan
    interactions: [hi]
  - name: Empty starter
    starter: { excludeKeywords: [cancel] }
    interactions: [hi]
  - name: Parked
    disabled: true
    interactions: [hi]
`);
    expect(problemsOfYaml(text)).toEqual([
      { file: FILE, path: 'dialogs[0]', line: 7, column: 5, message: "standard dialog 'Orphan' has no starter patterns or intent, so nothing can start it; add a starter, or set disabled: true" },
      { file: FILE, path: 'dialogs[1].starter', line: 10, column: 5, message: "standard dialog 'Empty starter' has no starter patterns or intent, so nothing can start it; add a starter, or set disabled: true" },
    ]);
  });

  it('reports a second fallback, disambiguation or auto-escalation dialog, and a starter on one', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - { name: F1, type: fallback, interactions: [hi] }
  - { name: F2, type: fallback, interactions: [hi] }
  - { name: D1, type: disambiguation, interactions: [hi] }
  - { name: D2, type: disambiguation, interactions: [hi] }
  - { name: E1, type: auto-escalation, interactions: [hi] }
  - { name: E2, type: auto-escalation, interactions: [hi], starter: { patterns: [help] } }
`),
    );
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[1].type', line: 8, column: 17, message: "a bot has at most one fallback dialog; 'F1' (dialogs[0]) is one already" },
      { file: FILE, path: 'dialogs[3].type', line: 10, column: 17, message: "a bot has at most one disambiguation dialog; 'D1' (dialogs[2]) is one already" },
      { file: FILE, path: 'dialogs[5].type', line: 12, column: 17, message: "a bot has at most one auto-escalation dialog; 'E1' (dialogs[4]) is one already" },
      { file: FILE, path: 'dialogs[5].starter', line: 12, column: 60, message: 'a auto-escalation dialog has no starter (the runtime starts it); remove the starter or make the dialog standard' },
    ]);
  });

  it('reports a transfer with a missing or blank message, pointing to BLANK_MESSAGE', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - transfer: { skill: tech }
      - transfer: { skill: tech, message: "  " }
      - { type: agentTransfer, skill: tech, message: "" }
`),
    );
    const message = 'transfer has no message (it is sent to the user before the transfer); write one, or use BLANK_MESSAGE to send nothing';
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[0].interactions[0].transfer.message', line: 10, column: 9, message },
      { file: FILE, path: 'dialogs[0].interactions[1].transfer.message', line: 11, column: 34, message },
      { file: FILE, path: 'dialogs[0].interactions[2].message', line: 12, column: 45, message },
    ]);
  });

  it('reports a transfer to a skill the bot holds itself (a loop), but not to a templated skill', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - transfer: { skill: billing, message: hi }
      - transfer: { skill: "{$botContext.skill}", message: hi }
`),
    );
    expect(problems).toEqual([
      {
        file: FILE,
        path: 'dialogs[0].interactions[0].transfer.skill',
        line: 10,
        column: 21,
        message: "transfer to skill 'billing', which bot 'billing' holds itself: the conversation would come back to it (a transfer loop)",
      },
    ]);
  });

  it('reports next/onFailure naming no interaction, duplicate interaction names and the reserved name end', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - text: hi
        next: Sory
      - transfer: { skill: tech, message: hi }
        onFailure: Nowhere
      - { name: Sorry, text: sorry, next: end }
      - { name: Sorry, text: again }
      - { name: end, text: bye }
`),
    );
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[0].interactions[0].next', line: 11, column: 9, message: "next names 'Sory', but dialog 'Refund' has no interaction with that name, did you mean 'Sorry'?" },
      { file: FILE, path: 'dialogs[0].interactions[1].onFailure', line: 13, column: 9, message: "onFailure names 'Nowhere', but dialog 'Refund' has no interaction with that name (named interactions: Sorry, end)" },
      { file: FILE, path: 'dialogs[0].interactions[3].name', line: 15, column: 11, message: "duplicate interaction name 'Sorry' in dialog 'Refund' (first at interactions[2])" },
      { file: FILE, path: 'dialogs[0].interactions[4].name', line: 16, column: 11, message: "'end' is reserved (next: end closes the dialog); choose another interaction name" },
    ]);
  });

  it('reports empty text and question', () => {
    const problems = problemsOfYaml(
      withDialogs(`  - name: Refund
    starter: { intent: billing.refund }
    interactions:
      - ""
      - question: " "
`),
    );
    expect(problems).toEqual([
      { file: FILE, path: 'dialogs[0].interactions[0]', line: 10, column: 9, message: 'text is empty; write what the bot says' },
      { file: FILE, path: 'dialogs[0].interactions[1].question', line: 11, column: 9, message: 'question is empty; write what the bot says' },
    ]);
  });

  it('lists every problem in the error message, one line each with file:line:column and path', () => {
    try {
      parseBotDefinition('id: billing\nskils: []\ndialogs: []\n', FILE);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          'Invalid bot definitions (2 problems):',
          `  - ${FILE}:2:1 skils: unknown key 'skils', did you mean 'skills'?`,
          `  - ${FILE}:3:1 dialogs: needs at least 1 item`,
        ].join('\n'),
      );
    }
  });

  it('returns a BotDefinition the type system accepts', () => {
    const bot: BotDefinition = parseBotDefinition(withDialogs('  - { name: Hi, starter: { patterns: [hi] }, interactions: [Hello!] }\n'), FILE);
    expect(bot.dialogs[0]!.starter).toEqual({ patterns: ['hi'] });
  });
});
