import { describeStarterPatternSyntaxContract, describeTextNormalizerContract } from '@bottango/testing';
import { CompromiseNormalizer } from './compromise-normalizer.js';
import { CompromiseStarterSyntax } from './compromise-starter-syntax.js';

describeStarterPatternSyntaxContract('compromise (CompromiseStarterSyntax)', () => new CompromiseStarterSyntax(), {
  matches: [
    ['cancel (my|the) order', 'Cancelled the orders'],
    ['^cancel my order$', 'cancel my order'],
    ['#Money', 'it costs $20'],
  ],
  doesNotMatch: [
    ['cancel (my|the) order', 'where is my parcel'],
    ['^cancel my order$', 'please cancel my order now'],
  ],
  invalid: ['(cancel', '(a|)', '#NotATag', 'a|'],
});

describeTextNormalizerContract('compromise (CompromiseNormalizer)', () => new CompromiseNormalizer(), {
  examples: [["I'd cancel TWO orders", 'i would cancel 2 order']],
});
