import { injectable } from 'inversify';
import { BottangoError, BottangoErrorCode, type CompiledStarterPattern, type StarterPatternSyntax } from '@bottango/core';

/** Starters written `refund|money back`: the message must hold one of the alternatives as whole words. */
@injectable()
export class KeywordSyntax implements StarterPatternSyntax {
  readonly syntax = 'keyword';

  compile(pattern: string): CompiledStarterPattern {
    const alternatives = pattern.split('|').map((alternative) => words(alternative).join(' '));
    const empty = alternatives.findIndex((alternative) => alternative === '');
    if (empty >= 0) {
      throw new BottangoError(BottangoErrorCode.InvalidPattern, `keyword pattern ${JSON.stringify(pattern)}: alternative ${empty + 1} has no words`);
    }
    return {
      source: pattern,
      matches: (text) => {
        const padded = ` ${words(text).join(' ')} `;
        return alternatives.some((alternative) => padded.includes(` ${alternative} `));
      },
    };
  }
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
