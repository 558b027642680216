/**
 * The junk list of the small-bot protocol (`evaluateSmallBots`): 60 inputs that no bot should answer at GOOD or better,
 * whatever its intents. Every bot of every run gets all 60, so a junk false-accept rate of 0.05 is 3 of them.
 * Written for Bottango (not taken from a corpus). None of them means anything a CLINC150 intent handles: no yes/no,
 * greeting, thanks, cancel or repeat ("what" alone is kept: it is the classic one-word reply that must not start a
 * dialog). Groups and sizes are fixed; changing the list changes the figures, so say so in BENCHMARKS.md when you do.
 */

export type SmallBotsJunkGroup = 'function-words' | 'letters' | 'numbers' | 'emoji-symbols' | 'gibberish' | 'foreign' | 'off-topic';

export interface SmallBotsJunkInput {
  readonly group: SmallBotsJunkGroup;
  readonly text: string;
}

const group = (name: SmallBotsJunkGroup, texts: readonly string[]): SmallBotsJunkInput[] => texts.map((text) => ({ group: name, text }));

export const SMALL_BOTS_JUNK: readonly SmallBotsJunkInput[] = Object.freeze([
  // Function words only (15): one or two words with no content. A bot's phrases are full of them ("what is my…",
  // "can you…"), so a matcher that scores them on shared words accepts them.
  ...group('function-words', ['what', 'the', 'how', 'can you', 'please', 'is it', 'and', 'of the', 'why', 'who', 'to', 'it', 'so', 'but', 'is there']),
  // Single letters (6): typos, a key pressed by mistake.
  ...group('letters', ['a', 'x', 'q', 'k', 'b c', 'zz']),
  // Numbers alone (6): no operation, no unit, nothing to act on.
  ...group('numbers', ['0', '7', '42', '1234567', '3.14159', '1 2 3']),
  // Emoji and punctuation only (8): no word at all.
  ...group('emoji-symbols', ['😀', '👍', '🙂🙂🙂', '🔥', '❤️', '?', '...', '!!!']),
  // Gibberish (10): keyboard mashing and made-up words, no English token.
  ...group('gibberish', ['asdfghjkl', 'qwerty uiop', 'zxcv bnm zxcv', 'jjjjjjjj', 'blorft snarg wibble', 'xkcd qpzm vvtr', 'lkjh lkjh lkjh', 'aaaaaaaaaaaaaa', 'fjdksla fjdksla', 'mrrp glorb nnn']),
  // Other languages (8): an English bot cannot know what they ask; short words ("a", "de", "la") overlap English.
  ...group('foreign', [
    'où est la bibliothèque la plus proche',
    'ich habe keine ahnung was das bedeutet',
    '¿dónde está la estación de tren?',
    '私は学生です',
    'это очень интересная книга',
    'il gatto dorme sul divano tutto il giorno',
    'eu gosto de nadar no verão',
    'الكتاب على الطاولة',
  ]),
  // Long off-topic sentences (7): real English with content words, about nothing any CLINC150 intent covers.
  ...group('off-topic', [
    'the mitochondria is the part of the cell that turns nutrients into chemical energy',
    'in 1815 napoleon was defeated at waterloo by a coalition of european armies',
    'my neighbour’s cat sits on the fence all afternoon staring at the pigeons on the roof',
    'photosynthesis converts light into chemical energy that plants store as glucose',
    'the committee reviewed the soil erosion study of the river delta last spring',
    'medieval monks copied manuscripts by hand and decorated the margins with gold leaf',
    'glaciers carve deep valleys as they slowly grind over the bedrock for thousands of years',
  ]),
]);
