import { describe, expect, it } from 'vitest';
import { problemsOfYaml as problemsOfFile } from './__fixtures__/problems.js';
import { parseBotDefinition, type DefinitionProblem } from './index.js';

const FILE = 'bots/front.yaml';

const problemsOfYaml = (text: string): DefinitionProblem[] => problemsOfFile(text, FILE);

const BOT = `
id: front
skills: [front]
settings:
  useIntentsOnlyWithDialogStartersInDisambiguation: true
intents:
  - { id: billing, children: [refund, invoice] }
  - { id: refund, phrases: [money back] }
  - { id: invoice, phrases: [my invoice] }
dialogs:
  - name: Billing
    starter: { intent: billing }
    interactions:
      - question: Size?
        conditions:
          - { match: exact, value: S }
          - { match: regex, value: "^m(edium)?$", next: Medium }
          - { match: intent, value: refund }
      - Small it is.
      - name: Medium
        text: Medium it is.
`;

describe('bot files: dialog selection features', () => {
  it('reads meta intents, question response conditions and useIntentsOnlyWithDialogStartersInDisambiguation', () => {
    const bot = parseBotDefinition(BOT, FILE);
    expect(bot.settings).toEqual({ useIntentsOnlyWithDialogStartersInDisambiguation: true });
    expect(bot.intents[0]).toMatchObject({ id: 'billing', children: ['refund', 'invoice'] });
    const question = bot.dialogs[0]?.interactions[0];
    expect(question).toMatchObject({
      type: 'question',
      conditions: [
        { match: 'exact', value: 'S' },
        { match: 'regex', value: '^m(edium)?$', next: 'Medium' },
        { match: 'intent', value: 'refund' },
      ],
    });
  });

  it('reports bad conditions and meta intents with their paths', () => {
    const bad = BOT.replace('{ match: intent, value: refund }', '{ match: intent, value: refnd }')
      .replace('"^m(edium)?$", next: Medium', '"^m(edium$", next: Large')
      .replace('{ id: billing, children: [refund, invoice] }', '{ id: billing, children: [refund, nothing, billing] }')
      .replace('{ match: exact, value: S }', '{ match: fuzzy, value: S }');
    const problems = problemsOfYaml(bad).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([expect.stringMatching(/^dialogs\[0\]\.interactions\[0\]\.conditions\[0\]\.match: expected one of 'exact', 'pattern', 'regex', 'intent'/)]);
    const semantic = problemsOfYaml(bad.replace('match: fuzzy', 'match: exact')).map((p) => `${p.path}: ${p.message}`);
    expect(semantic).toEqual(
      expect.arrayContaining([
        "intents[0].children[1]: unknown intent 'nothing'",
        "intents[0].children[2]: 'billing' is a meta intent itself; a meta intent wraps ordinary intents",
        expect.stringMatching(/^dialogs\[0\]\.interactions\[0\]\.conditions\[1\]\.value: not a regular expression/),
        "dialogs[0].interactions[0].conditions[1].next: next names 'Large', but the dialog has no interaction with that name",
        "dialogs[0].interactions[0].conditions[2].value: unknown intent 'refnd', did you mean 'refund'?",
      ]),
    );
  });
});
