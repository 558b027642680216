import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/fake-io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const GROUP_BOTS = join(ROOT, 'scenarios/group-bots');

// A copy of the shipped group bots (models are cached next to the bots), plus, for the check, a "billing" bot that
// overlaps payments: the same pattern as devices and an intent trained on payments' own phrasing.
let dir: string;
let overlapping: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottango-group-cli-'));
  await cp(GROUP_BOTS, join(dir, 'group'), { recursive: true });
  overlapping = join(dir, 'overlapping');
  await cp(GROUP_BOTS, overlapping, { recursive: true });
  await writeFile(
    join(overlapping, 'billing.yaml'),
    `id: billing
skills: [billing]
group: support
settings: { intentMatcher: natural }
intents:
  - id: billing.pay
    name: pay
    phrases: [i want to pay my bill, pay the invoice, how do i pay, settle my balance, make a payment, pay what i owe]
dialogs:
  - name: Pay
    starter: { intent: billing.pay }
    interactions: [{ text: "Billing: pay here." }]
  - name: Printer invoices
    starter: { patterns: ["*(printer|scanner)*"] }
    interactions: [{ text: "Billing: printer invoices." }]
  - name: Fallback
    type: fallback
    interactions: [{ text: "Billing did not understand." }]
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bottango check', () => {
  it('reports no overlaps for the shipped group and exits 0', async () => {
    const { code, out } = await runCli(['check', '--bots', 'group', '--strict'], dir);
    expect(out).toContain('group support (4 bots, collaboration on):\n  no overlaps\n');
    expect(code).toBe(0);
  }, 60_000);

  it('reports a shared pattern and an overlapping intent between two bots; --strict exits 1', async () => {
    const { code, out } = await runCli(['check', '--bots', 'overlapping', '--strict'], dir);
    expect(out).toContain('overlap billing / devices: both have pattern "*(printer|scanner)*"');
    expect(out).toMatch(/overlap payments \/ billing: billing's intent billing\.pay takes \d+ of payments's payments\.pay_bill phrases at GOOD or better/);
    expect(code).toBe(1);
    const json = await runCli(['check', '--bots', 'overlapping', '--json'], dir);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as { groups: { overlaps: { kind: string; botA: string; botB: string }[] }[] };
    expect(report.groups[0]?.overlaps.map((o) => `${o.kind} ${o.botA} ${o.botB}`)).toEqual(
      expect.arrayContaining(['same-pattern billing devices', 'intent-overlap payments billing', 'intent-overlap billing payments']),
    );
  }, 60_000);
});

describe('bottango route', () => {
  it('names the bot, dialog, band and runner-up for an intent match', async () => {
    const { code, out } = await runCli(['route', 'where is my parcel', '--bots', 'group', '--json'], dir);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { route: Record<string, unknown>; runnerUp: Record<string, unknown> };
    expect(result.route).toMatchObject({ botId: 'orders', dialog: 'Order status', by: 'intent', intentId: 'orders.status', eligible: true });
    expect(['GOOD', 'VERY_GOOD']).toContain(result.route['band']);
    expect(result.runnerUp).toMatchObject({ by: 'intent', eligible: false });
    expect(result.runnerUp['botId']).not.toBe('orders');
  }, 60_000);

  it('puts a pattern match first, and says when the bot holding the conversation keeps the text', async () => {
    const byPattern = await runCli(['route', 'my printer is jammed', '--bots', 'group'], dir);
    expect(byPattern.out).toContain('→ devices · dialog "Printer help" · pattern "*(printer|scanner)*"');
    const stays = await runCli(['route', 'cancel my order', '--bots', 'group', '--from', 'orders'], dir);
    expect(stays.out).toMatch(/stays with orders · dialog "Cancel order" · intent orders\.cancel/);
    const nobody = await runCli(['route', 'sing me a song about the sea', '--bots', 'group', '--from', 'front'], dir);
    expect(nobody.out).toContain("no bot would take it: front's fallback runs");
  }, 60_000);
});
