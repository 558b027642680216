import { describe, expect, it } from 'vitest';
import { IntentMatcher, isBottangoPlugin, validatePluginOptions, type BotDefinition, type ConversationEvent } from '@bottango/core';
import { createRuntime, loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';
import * as pluginExports from './index.js';
import { bottangoPlugin } from './index.js';

// What the runtime needs of a plugin package (from @bottango/testing): the export, its options schema, its module.
describeBottangoPluginContract(pluginExports, {
  loadPlugins,
  validOptions: [{}, { id: 'typo-tolerant', threshold: 0.2, minWordLength: 3, stopWords: ['kindly'] }],
  invalidOptions: [
    [{ threshold: 2 }, 'threshold'],
    [{ id: 'Not An Id' }, 'id'],
    [{ stopWords: 'kindly' }, 'stopWords'],
  ],
  provides: [IntentMatcher],
});

const bot: BotDefinition = {
  id: 'pizzeria',
  skills: ['pizza'],
  settings: { intentMatcher: 'fuzzy' },
  intents: [
    { id: 'order', name: 'order a pizza', trainingPhrases: ['I want to order a pizza', 'get me a margherita', 'deliver a pizza to my house'] },
    { id: 'hours', name: 'opening hours', trainingPhrases: ['when are you open', 'what are your opening hours', 'are you open on sunday'] },
  ],
  dialogs: [
    { name: 'Order', type: 'standard', starter: { intent: 'order' }, interactions: [{ type: 'text', text: 'Which pizza would you like?' }] },
    { name: 'Hours', type: 'standard', starter: { intent: 'hours' }, interactions: [{ type: 'text', text: 'We are open from noon to midnight.' }] },
    { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry, I did not get that.' }] },
  ],
};

describe('bottangoPlugin', () => {
  it('is a Bottango plugin named after the package', () => {
    expect(isBottangoPlugin(bottangoPlugin)).toBe(true);
    expect(bottangoPlugin.name).toBe('bottango-matcher-fuzzy');
  });

  it('applies the defaults and reports every bad option with its path', async () => {
    expect(await validatePluginOptions(bottangoPlugin, undefined)).toEqual({ ok: true, options: { id: 'fuzzy', threshold: 0.34, minWordLength: 2, stopWords: [] } });
    const checked = await validatePluginOptions(bottangoPlugin, { threshold: 2, stopWords: ['ok', ''], colour: 'red' });
    expect(checked.ok).toBe(false);
    const paths = checked.ok ? [] : checked.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['options.threshold', 'options.stopWords[1]', 'options']));
  });

  it('runs a bot whose intentMatcher is fuzzy, loaded by package name', async () => {
    const runtime = await createRuntime({
      bots: [bot],
      plugins: [{ package: 'bottango-matcher-fuzzy', options: { threshold: 0.4 } }],
      importModule: async () => ({ bottangoPlugin }),
    });
    try {
      expect(runtime.plugins.map((p) => p.name)).toContain('bottango-matcher-fuzzy');
      const id = await runtime.startConversation({ botId: 'pizzeria' });
      const events: ConversationEvent[] = await runtime.send(id, 'can I ordr a piza');
      const started = events.find((e) => e.type === 'dialog-started');
      expect(started).toMatchObject({ dialog: 'Order', trigger: { by: 'intent', intentId: 'order' } });
      expect(events.some((e) => e.type === 'bot-message' && e.text === 'Which pizza would you like?')).toBe(true);
    } finally {
      await runtime.close();
    }
  });
});
