import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBotDirectory, type DefinitionProblem } from './index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottango-definitions-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

async function loadError(): Promise<BottangoError> {
  try {
    await loadBotDirectory(dir);
  } catch (error) {
    expect(BottangoError.is(error, BottangoErrorCode.InvalidDefinition)).toBe(true);
    return error as BottangoError;
  }
  throw new Error('expected loadBotDirectory to fail');
}

const ROUTER = `id: router
skills: [router]
group: support
dialogs:
  - name: Billing
    starter: { patterns: ["*bill*"] }
    interactions:
      - transfer: { skill: billing, message: "Passing you to billing.", tangoContext: true }
  - name: Fallback
    type: fallback
    interactions: ["Sorry, I did not get that."]
`;

const BILLING_JSON = JSON.stringify(
  {
    id: 'billing',
    skills: ['billing'],
    group: 'support',
    intents: [{ id: 'billing.refund', name: 'refund', domain: 'billing', phrases: ['i want a refund'] }],
    dialogs: [
      { name: 'Refund', starter: { intent: 'billing.refund' }, interactions: [{ text: 'I can help with refunds.' }, { transfer: { skill: 'humans', message: 'BLANK_MESSAGE' } }] },
    ],
  },
  null,
  2,
);

describe('loadBotDirectory', () => {
  it('loads every YAML and JSON bot, the groups file, and sets source; warnings come back separately', async () => {
    await write({
      'router.yaml': ROUTER,
      'billing.json': BILLING_JSON,
      'groups.yaml': 'groups:\n  - id: support\n    collaboration: true\n    transferMessage: "Let me find the right bot."\n',
      '_draft.yaml': 'this is not a bot: [',
      '.hidden.yml': 'neither: [',
      'notes.txt': 'ignored',
    });
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'other.yaml'), 'not: [read');

    const loaded = await loadBotDirectory(dir);
    expect(loaded.bots.map((bot) => [bot.id, bot.source])).toEqual([
      ['billing', join(dir, 'billing.json')],
      ['router', join(dir, 'router.yaml')],
    ]);
    expect(loaded.groups).toEqual([{ id: 'support', collaboration: true, transferMessage: 'Let me find the right bot.' }]);
    expect(loaded.bots[1]!.dialogs[0]!.interactions[0]).toEqual({ type: 'agentTransfer', skill: 'billing', message: 'Passing you to billing.', tangoContext: true });
    expect(loaded.warnings).toEqual([
      { file: join(dir, 'billing.json'), path: 'dialogs[0].interactions[1].transfer.skill', line: 29, column: 13, message: "no bot holds skill 'humans': this transfer fails late (no-agent-available, then __agent_escalation_failed__) unless a bot agent of another process holds it" },
    ]);
  });

  it('reads groups from the groups: key of bottango.yaml and ignores its other keys', async () => {
    await write({ 'router.yaml': ROUTER.replace('skill: billing', 'skill: router2'), 'bottango.yaml': 'plugins: [x]\ngroups:\n  - id: support\n' });
    const loaded = await loadBotDirectory(dir);
    expect(loaded.groups).toEqual([{ id: 'support', collaboration: false }]);
  });

  it('fails as a whole, listing the problems of every file, when one file is bad', async () => {
    await write({
      'router.yaml': ROUTER,
      'billing.json': BILLING_JSON.replace('"message": "BLANK_MESSAGE"', '"mesage": "BLANK_MESSAGE"'),
      'empty.yaml': '',
      'copy.yml': 'id: router\ndialogs: [{ name: Hi, starter: { patterns: [hi] }, interactions: [Hello] }]\n',
      'groups.yaml': 'groups:\n  - id: support\n',
    });
    const error = await loadError();
    expect(error.details['problems']).toEqual([
      { file: join(dir, 'billing.json'), path: 'dialogs[0].interactions[1].transfer.mesage', line: 30, column: 13, message: "unknown key 'mesage', did you mean 'message'?" },
      { file: join(dir, 'empty.yaml'), path: '', message: 'the file is empty' },
      { file: join(dir, 'router.yaml'), path: 'id', line: 1, column: 1, message: `duplicate bot id 'router', also used by ${join(dir, 'copy.yml')}` },
    ] satisfies DefinitionProblem[]);
    expect(error.message).toContain(`${join(dir, 'billing.json')}:30:13 dialogs[0].interactions[1].transfer.mesage: unknown key 'mesage'`);
    expect(error.message.split('\n')[0]).toBe('Invalid bot definitions (3 problems):');
  });

  it('reports a bot in an undeclared group, but not when the groups file itself failed', async () => {
    await write({ 'router.yaml': ROUTER.replace('skill: billing', 'skill: router2') });
    expect((await loadError()).details['problems']).toEqual([
      { file: join(dir, 'router.yaml'), path: 'group', line: 3, column: 1, message: "group 'support' is not declared; no groups are declared: add it to groups.yaml" },
    ]);
    await write({ 'groups.yaml': 'groups:\n  - idd: support\n' });
    expect((await loadError()).details['problems']).toEqual([
      { file: join(dir, 'groups.yaml'), path: 'groups[0].id', line: 2, column: 5, message: "missing required key 'id'" },
      { file: join(dir, 'groups.yaml'), path: 'groups[0].idd', line: 2, column: 5, message: "unknown key 'idd', did you mean 'id'?" },
    ]);
  });

  it('reports a directory without bot files, and a directory that does not exist', async () => {
    await write({ 'groups.yaml': 'groups: []\n' });
    expect((await loadError()).details['problems']).toEqual([{ file: dir, path: '', message: 'no bot files (*.yaml, *.yml, *.json) in the directory' }]);
    await rm(dir, { recursive: true });
    const problems = (await loadError()).details['problems'] as DefinitionProblem[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: dir, path: '', message: expect.stringContaining('cannot read the bot directory: ENOENT') });
  });

  it('passes validatePattern to every starter pattern of every file', async () => {
    await write({ 'router.yaml': ROUTER.replace('skill: billing', 'skill: router2').replace('group: support\n', '') });
    await expect(loadBotDirectory(dir, { validatePattern: (syntax, pattern) => `${syntax} rejects ${pattern}` })).rejects.toThrow(
      `${join(dir, 'router.yaml')}:5:27 dialogs[0].starter.patterns[0]: invalid pattern "*bill*": pattern rejects *bill*`,
    );
  });
});
