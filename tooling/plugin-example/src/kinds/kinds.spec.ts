import { describeStarterPatternSyntaxContract, describeTextNormalizerContract } from '@bottango/testing';
import { KeywordSyntax } from './keyword-syntax.js';
import { LowercaseNormalizer } from './lowercase-normalizer.js';

describeTextNormalizerContract('LowercaseNormalizer', () => new LowercaseNormalizer(), {
  examples: [['Ça va? Très BIEN!', 'ca va tres bien']],
});

describeStarterPatternSyntaxContract('KeywordSyntax', () => new KeywordSyntax(), {
  matches: [['refund|money back', 'I want my MONEY back!']],
  doesNotMatch: [['refund|money back', 'refunds are slow'], ['refund', 'hello']],
  invalid: ['refund||money', '?!'],
});
