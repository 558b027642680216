import { IntentMatcher } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract, describeIntentMatcherContract } from '@bottango/testing';
import * as plugin from './index.js';

describeIntentMatcherContract('KeywordMatcher', () => new plugin.KeywordMatcher({ ignoreWords: [] }));

describeBottangoPluginContract(plugin, {
  loadPlugins,
  validOptions: [{}, { ignoreWords: ['hello'] }],
  invalidOptions: [
    [{ ignoreWords: 'hello' }, 'ignoreWords'],
    [{ ignoreWords: [''] }, 'ignoreWords'],
    [{ ignoreWord: ['hello'] }, 'ignoreWord'],
  ],
  provides: [IntentMatcher],
});
