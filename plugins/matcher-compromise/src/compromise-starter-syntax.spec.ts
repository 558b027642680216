import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { CompromiseStarterSyntax } from './compromise-starter-syntax.js';

describe('CompromiseStarterSyntax', () => {
  const syntax = new CompromiseStarterSyntax();

  it('is named compromise and keeps the pattern as source', () => {
    expect(syntax.syntax).toBe('compromise');
    expect(syntax.compile('cancel (my|the) order').source).toBe('cancel (my|the) order');
  });

  it.each([
    // plain words match by lemma, anywhere in the message
    ['cancel (my|the) order', 'Cancel my orders', true],
    ['cancel (my|the) order', 'cancelled the order!', true],
    ['cancel (my|the) order', 'please cancel the order now', true],
    ['cancel (my|the) order', 'cancel order', false],
    ['cancel (my|the) order', 'I want to order a cancel', false],
    ['cancelled the order', 'cancel the order', true],
    ['is working', 'it was working', true],
    // tags
    ['#Verb (my|the) order', 'track my order', true],
    ['#Verb (my|the) order', 'my order', false],
    ['book #Value (ticket|seat)', 'book two tickets', true],
    ['book #Value (ticket|seat)', 'book 2 seats', true],
    ['book #Value (ticket|seat)', 'book the tickets', false],
    ['book #Value+ ticket', 'book twenty five tickets', true],
    ['#phrasalverb', 'let me log in', true],
    // optional, greedy, capture
    ['cancel+ my? [#Noun]', 'cancel my subscription', true],
    ['cancel+ my? [#Noun]', 'cancel subscription', true],
    ['cancel+ my? [#Noun]', 'please cancel', false],
    // contractions
    ['i would like', "I'd like a pizza", true],
    ["can't login", "I can't login", true],
    // anchors: first / last term of a sentence
    ['^cancel', 'cancel it', true],
    ['^cancel', 'please cancel it', false],
    ['^cancel', 'Hi. Cancel it', true],
    ['order$', 'cancel my order!', true],
    ['order$', 'order something', false],
    ['^(hi|hello)$', 'Hello!', true],
    ['^(hi|hello)$', 'hello there', false],
    // root, fuzzy, regex
    ['{walk/verb}', 'he walked home', true],
    ['~organization~', 'the organisation', true],
    ['/^[0-9]{5}$/', 'my zip is 90210', true],
    ['/^[0-9]{5}$/', 'it is 123', false],
    // empty text never matches
    ['*', '', false],
  ])('%j on %j → %s', (pattern, text, expected) => {
    expect(syntax.compile(pattern).matches(text)).toBe(expected);
  });

  it('gives the same answer when one message is tested by many patterns (shared parse)', () => {
    const patterns = ['cancel my order', 'track my order', '#Verb my order'].map((p) => syntax.compile(p));
    expect(patterns.map((p) => p.matches('Track my orders'))).toEqual([false, true, true]);
    expect(patterns.map((p) => p.matches('Track my orders'))).toEqual([false, true, true]);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['(cancel|stop my order', "'(' at column 1 is not closed"],
    ['cancel|stop)', "')' at column 12 has no opening '('"],
    ['((a|b) c)', 'nested groups'],
    ['[#Noun', "'[' at column 1 is not closed"],
    ['cancel]', "']' at column 7 has no opening '['"],
    ['{walk', "'{' at column 1 is not closed"],
    ['<Noun', "'<' at column 1 is not closed"],
    ['(a|]', "']' at column 4 does not close '('"],
    ['(cancel|)', 'empty alternative'],
    ['(|cancel)', 'empty alternative'],
    ['(a||b)', 'empty alternative'],
    ['#Name', 'unknown tag #Name'],
    ['@isFoo', 'unknown term method @isFoo'],
    ['<Nounz>', 'unknown chunk <Nounz>'],
    ['{fast/adverb}', 'only verb, noun and adjective'],
    ['/ab(/', 'Unterminated group'],
    ['/abc', 'not closed'],
    ['hi ^there', "'^'"],
    ['hi$ there', "'$'"],
    ['cancel && stop', 'syntax characters'],
    ['~cancel', 'syntax characters'],
  ])('rejects %j (%s)', (pattern, problem) => {
    let caught: unknown;
    try {
      syntax.compile(pattern);
    } catch (error) {
      caught = error;
    }
    expect(BottangoError.is(caught, BottangoErrorCode.InvalidPattern)).toBe(true);
    const error = caught as BottangoError;
    expect(error.message).toContain(JSON.stringify(pattern));
    expect(error.message).toContain(problem);
    expect(error.details).toMatchObject({ syntax: 'compromise', pattern });
  });

  it('accepts named captures, alternatives with anchors and repetition counts', () => {
    for (const pattern of ['[<who>#Person+] called', '(^hi|hello)', '#Value{2,3}', '(cancel && #Verb) my order']) {
      expect(() => syntax.compile(pattern)).not.toThrow();
    }
    expect(syntax.compile('(cancel && #Verb) my order').matches('cancel my order')).toBe(true);
  });
});
