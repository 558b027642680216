import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode, type ConversationState, type ConversationStateStore } from '@bottango/core';
import { expectBottangoError } from './expect-bottango-error.js';

export interface ConversationStateStoreContractOptions {
  /** A new, empty, isolated store each time (its own file, its own Redis key prefix…). */
  readonly create: () => Promise<ConversationStateStore> | ConversationStateStore;
  /**
   * Opens another store on the same storage as `store` (same file, same Redis prefix). Give it for a store that is
   * durable or shared between processes: the suite then races two stores and closes and reopens one.
   */
  readonly openSameStorage?: (store: ConversationStateStore) => Promise<ConversationStateStore> | ConversationStateStore;
}

/** A state as the runtime writes it; `extra` adds fields, including ones no store knows about. */
function sampleState(id: string, extra: Record<string, unknown> = {}): ConversationState {
  return {
    id,
    userId: 'u-1',
    ownerBotId: 'concierge',
    dialogStack: [{ dialog: 'Refund', position: 1, awaitingAnswer: true, starterIntentId: 'billing.refund' }],
    variables: { customerName: 'Ada' },
    pendingTangoContext: { intentId: 'billing.refund' },
    escalationFailures: 0,
    transcript: [
      { from: 'user', text: 'I want a refund' },
      { from: 'bot', botId: 'concierge', text: 'Transferring you…' },
    ],
    turns: 1,
    ...extra,
  } as ConversationState;
}

/** Saves `state` on the version it carries and returns it with the new version (what the runtime does). */
async function saved(store: ConversationStateStore, state: ConversationState): Promise<ConversationState> {
  return { ...state, version: await store.save(state) };
}

async function expectConflict(store: ConversationStateStore, state: ConversationState, expected: number, actual: number): Promise<void> {
  const error = await expectBottangoError(() => store.save(state), BottangoErrorCode.VersionConflict);
  expect(error.details).toEqual({ conversationId: state.id, expected, actual });
}

/**
 * The behaviour every `ConversationStateStore` must have: compare-and-set on `version`, plain JSON in and out.
 * Call it from a spec file of the store's package.
 */
export function describeConversationStateStoreContract(name: string, options: ConversationStateStoreContractOptions): void {
  describe(`ConversationStateStore contract: ${name}`, () => {
    let store: ConversationStateStore;
    const opened: ConversationStateStore[] = [];
    // Unique IDs, so a store on shared storage (a Redis server) never sees another test's conversations.
    let id: (name: string) => string;

    async function openSame(of: ConversationStateStore): Promise<ConversationStateStore> {
      if (!options.openSameStorage) throw new Error(`the contract suite for ${name} needs options.openSameStorage`);
      const other = await options.openSameStorage(of);
      opened.push(other);
      return other;
    }

    beforeEach(async () => {
      store = await options.create();
      opened.push(store);
      const run = randomUUID().slice(0, 8);
      id = (n) => `${n}-${run}`;
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close?.().catch(() => undefined);
    });

    it('loads nothing for an unknown conversation', async () => {
      expect(await store.load(id('nobody'))).toBeUndefined();
    });

    it('creates a conversation at version 1 and loads it back as equal JSON with its version, without changing the state saved', async () => {
      const state = sampleState(id('c'));
      const before = structuredClone(state);
      expect(await store.save(state)).toBe(1);
      expect(state).toEqual(before);
      const loaded = await store.load(state.id);
      expect(loaded).toEqual({ ...before, version: 1 });
      // A loaded state is the caller's own copy.
      loaded?.transcript.push({ from: 'user', text: 'changed after load' });
      expect((await store.load(state.id))?.transcript).toHaveLength(2);
    });

    it('keeps every field as plain JSON, including fields it does not know', async () => {
      const state = sampleState(id('fields'), {
        appliedSeq: 7,
        eventCount: 12,
        transferring: { transferId: 't-1', skill: 'billing', fromBotId: 'concierge', deadline: 1_767_225_600_000, seq: 7 },
        metadata: { channel: 'web', tags: ['a', 'b'], nested: { n: 1.5, off: false, none: null } },
        someFutureField: { list: [1, 'two', null, true, { deep: [] }] },
      });
      await store.save(state);
      expect(await store.load(state.id)).toEqual({ ...state, version: 1 });
    });

    it('returns a version one higher on every save', async () => {
      let state = sampleState(id('counting'));
      for (let i = 1; i <= 5; i++) {
        state = await saved(store, { ...state, turns: i });
        expect(state.version).toBe(i);
      }
      expect(await store.load(state.id)).toMatchObject({ version: 5, turns: 5 });
    });

    it('refuses a save on a stale version with VERSION_CONFLICT and stores nothing', async () => {
      await store.save(sampleState(id('stale')));
      const first = (await store.load(id('stale'))) as ConversationState;
      const second = (await store.load(id('stale'))) as ConversationState;
      expect(await store.save({ ...first, turns: 2 })).toBe(2);
      await expectConflict(store, { ...second, turns: 99, variables: { lost: 'yes' } }, 1, 2);
      expect(await store.load(id('stale'))).toEqual({ ...first, turns: 2, version: 2 });
    });

    it('refuses to create a conversation that exists (no version, or version 0)', async () => {
      const state = sampleState(id('twice'));
      await store.save(state);
      await expectConflict(store, { ...state, turns: 7 }, 0, 1);
      await expectConflict(store, { ...state, turns: 8, version: 0 }, 0, 1);
      expect(await store.load(state.id)).toMatchObject({ turns: 1, version: 1 });
    });

    it('refuses to update a conversation that is not stored', async () => {
      const state = sampleState(id('ghost'), { version: 3 });
      await expectConflict(store, state, 3, 0);
      expect(await store.load(state.id)).toBeUndefined();
    });

    it('lets exactly one of two concurrent saves on the same version win', async () => {
      const state = await saved(store, sampleState(id('race')));
      const results = await Promise.allSettled([store.save({ ...state, turns: 10 }), store.save({ ...state, turns: 20 })]);
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ turns: i === 0 ? 10 : 20, version: r.value }] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(won[0]?.version).toBe(2);
      expect(lost).toHaveLength(1);
      expect(BottangoError.is(lost[0], BottangoErrorCode.VersionConflict)).toBe(true);
      expect(await store.load(state.id)).toMatchObject(won[0] as object);
    });

    it('deletes a conversation; deleting an unknown one is harmless; a deleted ID starts again at version 1', async () => {
      const state = await saved(store, sampleState(id('gone')));
      await store.delete(state.id);
      expect(await store.load(state.id)).toBeUndefined();
      await store.delete(state.id);
      await store.delete(id('never-stored'));
      await expectConflict(store, state, 1, 0);
      const { version: _, ...fresh } = state;
      expect(await store.save(fresh)).toBe(1);
    });

    it('keeps conversations apart, whatever characters their IDs hold', async () => {
      const ids = ['a', 'a:b', 'a:b:c', 'a b', '*', 'ä/ü\\', '会話-1', '🙂', 'x'.repeat(256)].map((n) => id(n));
      for (const [turns, conversationId] of ids.entries()) await store.save(sampleState(conversationId, { turns }));
      await store.delete(id('a'));
      expect(await store.load(id('a'))).toBeUndefined();
      for (const [turns, conversationId] of ids.entries()) {
        if (conversationId !== id('a')) expect(await store.load(conversationId), conversationId).toMatchObject({ id: conversationId, turns, version: 1 });
      }
    });

    it('round-trips unicode and a large transcript unchanged', async () => {
      const texts = ['Grüße, 你好, مرحبا, שלום', '🙂👍🏽👨‍👩‍👧 e\u0301', '"quotes" \\ back\\slash \n new line \t tab \u0000 nul \u2028\u2029', 'lone surrogate \ud800 end'];
      const transcript = Array.from({ length: 2_000 }, (_, i) => ({ from: i % 2 === 0 ? ('user' as const) : ('bot' as const), ...(i % 2 === 1 ? { botId: 'billing' } : {}), text: `${texts[i % texts.length] as string} #${i} ${'·'.repeat(200)}` }));
      const variables = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`v${i}-ключ`, texts[i % texts.length] as string]));
      const state = sampleState(id('big'), { transcript, variables });
      await store.save(state);
      const loaded = await store.load(state.id);
      expect(loaded?.transcript).toHaveLength(2_000);
      expect(loaded).toEqual({ ...state, version: 1 });
    });

    it('after close(), if it has one: closing twice is harmless and calls fail with STORE_CLOSED', async () => {
      if (!store.close) return;
      await store.close();
      await store.close();
      await expectBottangoError(() => store.load(id('c')), BottangoErrorCode.StoreClosed);
      await expectBottangoError(() => store.save(sampleState(id('c'))), BottangoErrorCode.StoreClosed);
      await expectBottangoError(() => store.delete(id('c')), BottangoErrorCode.StoreClosed);
    });

    if (options.openSameStorage) {
      it('two stores on the same storage: both load version 1, one saves, the other’s save conflicts', async () => {
        const other = await openSame(store);
        await store.save(sampleState(id('shared')));
        const mine = (await store.load(id('shared'))) as ConversationState;
        const theirs = (await other.load(id('shared'))) as ConversationState;
        expect(theirs).toEqual(mine);
        expect(await other.save({ ...theirs, turns: 2, ownerBotId: 'billing' })).toBe(2);
        await expectConflict(store, { ...mine, turns: 3 }, 1, 2);
        expect(await store.load(id('shared'))).toMatchObject({ ownerBotId: 'billing', turns: 2, version: 2 });
        await store.delete(id('shared'));
        expect(await other.load(id('shared'))).toBeUndefined();
      });

      it('keeps the conversations when the store is closed and opened again', async () => {
        const state = await saved(store, sampleState(id('durable')));
        await store.save({ ...state, turns: 2 });
        await store.close?.();
        const reopened = await openSame(store);
        expect(await reopened.load(state.id)).toEqual({ ...state, turns: 2, version: 2 });
      });
    }
  });
}
