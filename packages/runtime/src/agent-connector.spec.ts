import { ContainerModule } from 'inversify';
import { describe, expect, it, vi } from 'vitest';
import { AGENT_ESCALATION_FAILED, ConversationStateStore, DEFAULT_FALLBACK_MESSAGE, ManualClock, type AgentConnectorSettings, type BotDefinition, type ConversationEvent, type Interaction } from '@bottango/core';
import { createRuntime, MemoryConversationStateStore, type BottangoRuntime, type RuntimeOptions } from './index.js';

function said(events: readonly ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [`${e.botId}: ${e.text}`] : []));
}

function only<T extends ConversationEvent['type']>(events: readonly ConversationEvent[], type: T): Extract<ConversationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
}

/** A front bot: `go` runs `transfer` (to skill `desk` unless given), `__agent_escalation_failed__` says so. */
function front(transfer: Partial<Extract<Interaction, { type: 'agentTransfer' }>> = {}, connector?: AgentConnectorSettings): BotDefinition {
  return {
    id: 'front',
    skills: ['front'],
    intents: [],
    ...(connector ? { connector } : {}),
    dialogs: [
      { name: 'Go', type: 'standard', starter: { patterns: ['go'] }, interactions: [{ type: 'agentTransfer', skill: 'desk', message: 'Passing you to an agent.', tangoContext: false, ...transfer }] },
      { name: 'Failed', type: 'standard', starter: { patterns: [AGENT_ESCALATION_FAILED] }, interactions: [{ type: 'text', text: 'front keeps you' }] },
      { name: 'Anything', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'front heard you' }] },
    ],
  };
}

/** A receiving bot holding `skill`: it echoes what it acts on, and answers the greeting `hi` (or `hello there`). */
function desk(id = 'desk', skill = id, connector?: AgentConnectorSettings, preProcess?: () => Promise<void>): BotDefinition {
  return {
    id,
    skills: [skill],
    intents: [],
    ...(connector ? { connector } : {}),
    dialogs: [
      { name: 'Greeting', type: 'standard', starter: { patterns: ['hi', 'hello there'] }, interactions: [{ type: 'text', text: `${id} greets you` }] },
      { name: 'Agent words', type: 'standard', starter: { patterns: ['*agent*'] }, interactions: [{ type: 'text', text: `${id} read the transfer message` }] },
      { name: 'Echo', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: `${id} got: {$botContext.heard}`, preProcess: async (ctx) => { await preProcess?.(); ctx.setBotVariable('heard', ctx.getCurrentUserMessage(), false, false); } }] },
    ],
  };
}

async function start(bots: BotDefinition[], options: Partial<RuntimeOptions> = {}): Promise<{ rt: BottangoRuntime; id: string; seen: ConversationEvent[] }> {
  const rt = await createRuntime({ bots, ...options });
  const seen: ConversationEvent[] = [];
  rt.onEvent((e) => seen.push(e));
  return { rt, id: await rt.startConversation({ botId: 'front' }), seen };
}

describe('connector: skipAgentMessage (spec 1.3)', () => {
  it('on (the default), a receiver with no Tango Context acts on the last user message', async () => {
    const { rt, id } = await start([front(), desk()]);
    expect(said(await rt.send(id, 'go'))).toEqual(['front: Passing you to an agent.', 'desk: desk got: go']);
  });

  it("off, the receiver acts on the last message whoever sent it: the sender's transfer message", async () => {
    const { rt, id } = await start([front(), desk('desk', 'desk', { skipAgentMessage: false })]);
    expect(said(await rt.send(id, 'go'))).toEqual(['front: Passing you to an agent.', 'desk: desk read the transfer message']);
  });
});

describe('connector: greetings (spec 1.3)', () => {
  // Only the sender's message is left in a one-entry transcript: the receiver has nothing to act on.
  const options = (clock: ManualClock): Partial<RuntimeOptions> => ({ clock, transcriptLimit: 1 });

  it('a receiver with nothing to act on gets the greeting after 3 s on the clock, as a system message, not at once', async () => {
    const clock = new ManualClock();
    const { rt, id, seen } = await start([front(), desk()], options(clock));
    const events = await rt.send(id, 'go');
    expect(only(events, 'transfer')).toHaveLength(1);
    expect(said(events)).toEqual(['front: Passing you to an agent.']);
    clock.advance(2_999);
    expect(seen.filter((e) => e.type === 'bot-message' && e.botId === 'desk')).toEqual([]);
    clock.advance(1);
    await vi.waitFor(() => expect(said(seen).at(-1)).toBe('desk: desk greets you'));
    expect(only(seen, 'user-message').at(-1)).toMatchObject({ text: 'hi', system: true });
    await rt.close();
  });

  it('uses defaultGreetingMessage, and a user message within the 3 s cancels the greeting', async () => {
    const clock = new ManualClock();
    const { rt, id, seen } = await start([front(), desk('desk', 'desk', { defaultGreetingMessage: 'hello there' })], options(clock));
    await rt.send(id, 'go');
    clock.advance(3_000);
    await vi.waitFor(() => expect(only(seen, 'user-message').at(-1)).toMatchObject({ text: 'hello there', system: true }));

    const other = await rt.startConversation({ botId: 'front' });
    await rt.send(other, 'go');
    clock.advance(1_000);
    expect(said(await rt.send(other, 'my question'))).toEqual(['desk: desk got: my question']);
    const before = seen.length;
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.slice(before)).toEqual([]);
    await rt.close();
  });

  it('disableGreetings: the receiver waits for the user', async () => {
    const clock = new ManualClock();
    const { rt, id, seen } = await start([front({ skill: 'quiet' }), desk('quiet', 'quiet', { disableGreetings: true })], options(clock));
    await rt.send(id, 'go');
    clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(said(seen)).toEqual(['front: Passing you to an agent.']);
    expect(clock.pending).toBe(0);
    expect(said(await rt.send(id, 'hello'))).toEqual(['quiet: quiet got: hello']);
    await rt.close();
  });
});

describe('connector: messageDelay (spec 1.3)', () => {
  it('joins user messages arriving within the delay with a space; every send of the batch resolves with its events', async () => {
    const clock = new ManualClock();
    const { rt, id } = await start([{ ...front({}, { messageDelay: 300 }) }, desk()], { clock });
    const first = rt.send(id, 'I have');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(200);
    const second = rt.send(id, 'a question');
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(299);
    let settled = false;
    void first.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    clock.advance(1);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(only(a, 'user-message').map((e) => e.text)).toEqual(['I have a question']);
    expect(said(a)).toEqual(['front: front heard you']);
    // A message after the window is a message of its own.
    const third = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(300);
    expect(only(await third, 'user-message').map((e) => e.text)).toEqual(['go']);
    await rt.close();
  });

  it('handles a batch at once at 20 messages, so a client writing faster than the delay cannot grow one without end', async () => {
    const clock = new ManualClock();
    const { rt, id } = await start([{ ...front({}, { messageDelay: 300 }) }, desk()], { clock });
    const sends: Promise<readonly ConversationEvent[]>[] = [];
    for (let i = 0; i < 25; i++) {
      sends.push(rt.send(id, `m${i}`));
      await new Promise((r) => setTimeout(r, 2));
      clock.advance(100); // always inside the delay
    }
    const first = await sends[0];
    expect(only(first!, 'user-message').map((e) => e.text)).toEqual([Array.from({ length: 20 }, (_, i) => `m${i}`).join(' ')]);
    clock.advance(300);
    expect(only(await sends[24]!, 'user-message').map((e) => e.text)).toEqual(['m20 m21 m22 m23 m24']);
    await rt.close();
  });

  it('is off by default: a send is handled at once', async () => {
    const clock = new ManualClock();
    const { rt, id } = await start([front(), desk()], { clock });
    expect(said(await rt.send(id, 'hello'))).toEqual(['front: front heard you']);
  });
});

describe('connector: escalation retries and the fallback skill (spec 3.4)', () => {
  it("maxEscalationRetries of the bot's connector caps the retries (over the runtime option)", async () => {
    const { rt, id } = await start([front({}, { maxEscalationRetries: 0 }), desk()], { maxEscalationRetries: 5 });
    rt.setAgentStatus('desk', { connected: false });
    const events = await rt.send(id, 'go');
    expect(only(events, 'transfer-failed').map((e) => e.stage)).toEqual(['late', 'final']);
    expect(said(events).at(-1)).toBe('front: Not able to transfer to Agent at this time. Please try later.');
  });

  it('waits 3 minutes by default, then fails late', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const { rt, id } = await start([front(), desk('desk', 'desk', undefined, () => new Promise<void>((r) => (release = r)))], { clock });
    const sent = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(179_999);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    const events = await sent;
    expect(only(events, 'transfer-failed')).toMatchObject([{ reason: 'timeout', stage: 'late', message: 'bot "desk" did not accept within 180000 ms' }]);
    expect(said(events).at(-1)).toBe('front: front keeps you');
    release();
    await rt.close();
  });

  it('after fallbackEscalationTime without an answer, the transfer goes to fallbackSkillId', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const { rt, id } = await start(
      [front({}, { fallbackEscalationTime: 1_000, fallbackSkillId: 'humans' }), desk('desk', 'desk', undefined, () => new Promise<void>((r) => (release = r))), desk('people', 'humans')],
      { clock },
    );
    const sent = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(1_000);
    const events = await sent;
    expect(only(events, 'transfer-failed')).toMatchObject([{ toSkill: 'desk', reason: 'timeout', stage: 'late', message: 'bot "desk" did not accept within 1000 ms; trying the fallback skill "humans"' }]);
    expect(only(events, 'transfer')).toMatchObject([{ toSkill: 'humans', toBotId: 'people' }]);
    expect(said(events)).toEqual(['front: Passing you to an agent.', 'people: people got: go']);
    expect(only(events, 'user-message').map((e) => e.text)).toEqual(['go']);
    expect((await rt.getConversation(id))?.ownerBotId).toBe('people');
    release();
    await rt.close();
  });

  it('without a fallback skill, fallbackEscalationTime is when the transfer fails late', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const { rt, id } = await start([front({}, { fallbackEscalationTime: 5_000 }), desk('desk', 'desk', undefined, () => new Promise<void>((r) => (release = r)))], { clock });
    const sent = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    // Stored with the pending transfer, so a transport that recovers the transfer's deadline uses the bot's time.
    expect((await rt.getConversation(id))?.transferring?.timeoutMs).toBe(5_000);
    clock.advance(5_000);
    const events = await sent;
    expect(only(events, 'transfer-failed')).toMatchObject([{ reason: 'timeout', stage: 'late', message: 'bot "desk" did not accept within 5000 ms' }]);
    expect(only(events, 'user-message').map((e) => e.text)).toEqual(['go', AGENT_ESCALATION_FAILED]);
    release();
    await rt.close();
  });
});

describe('escalation order (spec 2.1): pre-process → interaction delay → transfer → post-process → rules', () => {
  it('post-process code runs after the transfer and sees its outcome in responseDataVariable', async () => {
    const seen: { outcome: string | undefined; owner: string | undefined }[] = [];
    let rt: BottangoRuntime | undefined;
    const postProcess = async (ctx: Parameters<NonNullable<Interaction['postProcess']>>[0]): Promise<void> => {
      seen.push({ outcome: ctx.getBotVariable('outcome'), owner: (await rt?.getConversation(ctx.getConversationId()))?.ownerBotId });
    };
    const started = await start([front({ responseDataVariable: 'outcome', postProcess }), desk()]);
    rt = started.rt;
    const events = await rt.send(started.id, 'go');
    expect(said(events)).toEqual(['front: Passing you to an agent.', 'desk: desk got: go']);
    rt.setAgentStatus('desk', { connected: false });
    const other = await rt.startConversation({ botId: 'front' });
    const failed = await rt.send(other, 'go');
    expect(seen).toEqual([
      { outcome: 'success', owner: 'desk' },
      { outcome: 'failure', owner: 'front' },
    ]);
    // The rules come after the post-process: the late failure's message is handled last.
    expect(only(failed, 'user-message').map((e) => e.text)).toEqual(['go', AGENT_ESCALATION_FAILED]);
  });

  it('an immediate failure (an unresolved skill) runs the post-process with the failure, then the failure branch', async () => {
    const outcomes: (string | undefined)[] = [];
    const { rt, id } = await start([front({ skill: '{$botContext.nowhere}', responseDataVariable: 'outcome', postProcess: (ctx) => void outcomes.push(ctx.getBotVariable('outcome')) }), desk()]);
    const events = await rt.send(id, 'go');
    expect(only(events, 'transfer-failed')).toMatchObject([{ reason: 'unknown-skill', stage: 'immediate' }]);
    expect(said(events)).toEqual([`front: ${DEFAULT_FALLBACK_MESSAGE}`]);
    expect(outcomes).toEqual(['failure']);
  });

  it('waits the interaction delay on the clock before the transfer message and the transfer', async () => {
    const clock = new ManualClock();
    const { rt, id, seen } = await start([front({ interactionDelay: 2_000 }), desk()], { clock });
    const sent = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(1_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(said(seen)).toEqual([]);
    clock.advance(1);
    expect(said(await sent)).toEqual(['front: Passing you to an agent.', 'desk: desk got: go']);
  });
});

describe('line breaks in transfer messages (spec 3.2)', () => {
  it('turns a backslash-escaped \\n into a line break, in escalations and group transfers', async () => {
    const { rt, id } = await start([front({ message: 'One moment.\\nAn agent will join.' }), desk()]);
    expect(said(await rt.send(id, 'go'))[0]).toBe('front: One moment.\nAn agent will join.');

    const member = (botId: string, pattern: string): BotDefinition => ({
      id: botId,
      skills: [botId],
      group: 'help',
      intents: [],
      dialogs: [{ name: 'Own', type: 'standard', starter: { patterns: [pattern] }, interactions: [{ type: 'text', text: `${botId} here` }] }],
    });
    const grouped = await createRuntime({ bots: [member('a', 'apples'), member('b', 'bananas')], groups: [{ id: 'help', collaboration: true, transferMessage: 'Passing you on.\\\\nOne moment.' }] });
    const conversation = await grouped.startConversation({ botId: 'a' });
    expect(said(await grouped.send(conversation, 'bananas'))).toEqual(['a: Passing you on.\nOne moment.', 'b: b here']);
  });
});

describe('connector: stuck conversations (spec 3.4)', () => {
  /** Version 1 of the front bot asks a question; version 2, deployed on the same states, no longer has that dialog. */
  async function stuckConversation(connector: AgentConnectorSettings, clock = new ManualClock()): Promise<{ rt: BottangoRuntime; id: string; clock: ManualClock }> {
    const states = new MemoryConversationStateStore();
    const shared = new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(states));
    const v1: BotDefinition = { ...front(), dialogs: [{ name: 'Ask', type: 'standard', starter: { patterns: ['ask'] }, interactions: [{ type: 'question', text: 'Which order?' }] }] };
    const old = await createRuntime({ bots: [v1], modules: [shared] });
    const id = await old.startConversation({ botId: 'front' });
    await old.send(id, 'ask');
    const rt = await createRuntime({ bots: [front({}, connector), desk('people', 'humans')], modules: [shared], clock });
    return { rt, id, clock };
  }

  it('without the stuck settings, a message the bot cannot handle fails as before', async () => {
    const { rt, id } = await stuckConversation({});
    await expect(rt.send(id, 'A-17')).rejects.toThrow('bot "front" has no dialog "Ask"');
  });

  it('escalateOnStuckConversation: the message is tried again after retryMessageInterval, then the conversation goes to the stuck skill', async () => {
    const { rt, id, clock } = await stuckConversation({
      escalateOnStuckConversation: true,
      escalationSkillIdOnStuckConversation: 'humans',
      escalationMessageOnStuckConversation: 'Let me find a person.',
      retryMessageInterval: 1_000,
    });
    const sent = rt.send(id, 'A-17');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(1_000);
    const events = await sent;
    expect(only(events, 'error')[0]?.message).toContain('stuck conversation: the message could not be handled: bot "front" has no dialog "Ask"');
    expect(said(events)).toEqual(['front: Let me find a person.', 'people: people got: A-17']);
    expect((await rt.getConversation(id))?.ownerBotId).toBe('people');
  });

  it('userRetryOnStuckConversation asks the user to try again; with no stuck skill the escalation fails with the final message', async () => {
    const retry = await stuckConversation({ userRetryOnStuckConversation: 'Sorry, please say that again.', messageResendMaxRetries: 0 });
    expect(said(await retry.rt.send(retry.id, 'A-17'))).toEqual(['front: Sorry, please say that again.']);
    // The broken dialog was dropped: the next message is handled afresh.
    expect(said(await retry.rt.send(retry.id, 'hello'))).toEqual(['front: front heard you']);
    const none = await stuckConversation({ escalateOnStuckConversation: true, messageResendMaxRetries: 0 });
    expect(said(await none.rt.send(none.id, 'A-17'))).toEqual(['front: Not able to transfer to Agent at this time. Please try later.']);
  });
});

describe('closing while the connector waits', () => {
  const any = (connector: AgentConnectorSettings): BotDefinition => ({
    id: 'front',
    skills: ['front'],
    intents: [],
    connector,
    dialogs: [{ name: 'Any', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'heard' }] }],
  });

  /** A conversation stuck on a dialog the bot no longer has (an older version of it asked a question): every attempt fails. */
  async function stuckConversation(connector: AgentConnectorSettings): Promise<{ rt: BottangoRuntime; id: string }> {
    const states = new MemoryConversationStateStore();
    const shared = new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(states));
    const ask: BotDefinition = { id: 'front', skills: ['front'], intents: [], dialogs: [{ name: 'Ask', type: 'standard', starter: { patterns: ['ask'] }, interactions: [{ type: 'question', text: 'Which order?' }] }] };
    const old = await createRuntime({ bots: [ask], modules: [shared] });
    const id = await old.startConversation({ botId: 'front' });
    await old.send(id, 'ask');
    await old.close();
    return { rt: await createRuntime({ bots: [any(connector)], modules: [shared] }), id };
  }

  it('close() ends a stuck-conversation retry wait at once instead of after retryMessageInterval', async () => {
    // Retries wait 60 s (real clock).
    const { rt, id } = await stuckConversation({ userRetryOnStuckConversation: 'Say again', messageResendMaxRetries: 1 });
    const sent = rt.send(id, 'A-17').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await rt.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await sent;
  }, 20_000);

  it('listeners see a stuck message once, not once per retry', async () => {
    const { rt, id } = await stuckConversation({ userRetryOnStuckConversation: 'Say again', messageResendMaxRetries: 2, retryMessageInterval: 1 });
    const seen: ConversationEvent[] = [];
    rt.onEvent((event) => seen.push(event));
    const returned = await rt.send(id, 'A-17');
    expect(returned.filter((e) => e.type === 'user-message')).toHaveLength(1);
    expect(seen.map((e) => e.type)).toEqual(returned.map((e) => e.type));
    await rt.close();
  });

  it('a send that races close() is refused and leaves no message-delay timer behind', async () => {
    const clock = new ManualClock();
    const rt = await createRuntime({ bots: [any({ messageDelay: 300 })], clock });
    const id = await rt.startConversation({ botId: 'front' });
    const seen: string[] = [];
    rt.onEvent((event) => seen.push(event.type));
    const sent = rt.send(id, 'hello').then(
      () => 'resolved',
      (error: unknown) => (error as Error).message,
    );
    await rt.close();
    expect(clock.pending).toBe(0);
    clock.advance(300);
    expect(await sent).toMatch(/closed/);
    expect(seen).toEqual([]);
  });
});
