import { describeStarterPatternSyntaxContract } from '@bottango/testing';
import { PatternSyntax } from './pattern-syntax.js';

describeStarterPatternSyntaxContract('pattern (PatternSyntax)', () => new PatternSyntax(), {
  matches: [
    ['* (some|a pair of) (headphones|earbuds)*', 'I need a pair of EARBUDS, please!'],
    ['hello', 'Hello!'],
    ['(thank(|s)|thank you)*', 'Thanks a lot'],
    ['__agent_escalation_failed__', '__agent_escalation_failed__'],
  ],
  doesNotMatch: [
    ['* (some|a pair of) (headphones|earbuds)*', 'awesome headphones'],
    ['hello', 'hello there'],
    ['hi *', 'hiya'],
  ],
  invalid: ['(hi|hello', 'hello)', '(a|(b)'],
});
