import { describe, expect, it } from 'vitest';
import { decodeEntry, deadlineMember } from './entries.js';

const request = { transferId: 't-1', conversationId: 'c-1', userId: 'u', fromBotId: 'concierge', skill: 'billing', transcript: [] };

describe('decodeEntry', () => {
  it('reads the three kinds of entry', () => {
    expect(decodeEntry('s', '1-0', ['kind', 'message', 'conversation', 'c-1', 'seq', '3', 'text', 'hi'])).toEqual({ kind: 'message', conversationId: 'c-1', seq: 3, text: 'hi' });
    expect(decodeEntry('s', '1-0', ['kind', 'failed', 'conversation', 'c-1', 'transfer', 't-1', 'reason', 'timeout', 'message', 'late'])).toEqual({
      kind: 'failed',
      conversationId: 'c-1',
      transferId: 't-1',
      reason: 'timeout',
      message: 'late',
    });
    expect(decodeEntry('s', '1-0', ['kind', 'transfer', 'request', JSON.stringify(request)])).toEqual({ kind: 'transfer', request });
  });

  it.each([
    [['kind', 'nonsense'], 'field "kind" is not message, failed or transfer'],
    [['kind', 'message', 'conversation', 'c-1', 'seq', '0', 'text', 'hi'], 'field "seq" is not a positive whole number, got "0"'],
    [['kind', 'message', 'seq', '1', 'text', 'hi'], 'field "conversation" is missing'],
    [['kind', 'failed', 'conversation', 'c', 'transfer', 't', 'reason', 'bored'], 'field "reason" is not one of'],
    [['kind', 'transfer', 'request', '{not json'], 'field "request" is not JSON'],
    [['kind', 'transfer', 'request', JSON.stringify({ ...request, skill: '' })], 'field "request" has no skill'],
  ])('refuses %j naming the stream, entry and field', (fields, message) => {
    expect(() => decodeEntry('bottango:bus:inbox:billing', '7-1', fields)).toThrow(message);
    expect(() => decodeEntry('bottango:bus:inbox:billing', '7-1', fields)).toThrow('entry 7-1 of stream bottango:bus:inbox:billing');
  });
});

describe('deadlineMember', () => {
  it('is the same text for a request and for the state that waits for it', () => {
    expect(deadlineMember(request)).toBe(deadlineMember({ transferId: 't-1', skill: 'billing', fromBotId: 'concierge', conversationId: 'c-1' }));
  });
});
