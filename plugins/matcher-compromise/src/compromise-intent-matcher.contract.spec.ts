import { describeIntentMatcherContract } from '@bottango/testing';
import { CompromiseIntentMatcher } from './compromise-intent-matcher.js';

describeIntentMatcherContract('compromise', () => new CompromiseIntentMatcher());
