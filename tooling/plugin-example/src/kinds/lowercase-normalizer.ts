import { injectable } from 'inversify';
import type { TextNormalizer } from '@bottango/core';

/** Lower case, accents removed, punctuation dropped, one space between words. */
@injectable()
export class LowercaseNormalizer implements TextNormalizer {
  readonly id = 'lowercase';

  normalize(text: string): string {
    return text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '') // accents
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  }
}
