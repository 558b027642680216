import { normalizeForPatterns } from '@bottango/matcher-pattern';
import { confidenceBand, startsDialog, type BotGroupDefinition, type ConfidenceBand, type IntentClassifier, type IntentDefinition } from '@bottango/core';
import type { CompiledBot } from './compiled-bot.js';

/** One bot of a group that could take a text. */
export interface GroupCandidate {
  readonly botId: string;
  readonly dialog: string;
  readonly by: 'pattern' | 'intent';
  readonly pattern?: string;
  readonly intentId?: string;
  readonly score?: number;
  readonly band?: ConfidenceBand;
  /** A pattern match, or an intent at GOOD or better: would trigger an automatic transfer. */
  readonly eligible: boolean;
}

/**
 * One classifier over the intents of every member of a group, so automatic transfer compares scores on one scale
 * (each member's own classifier is calibrated on its own intents only; a score of 0.8 from a 15-intent bot and one from
 * another are not the same evidence). Its intents are named `<botId>\u001f<intentId>`.
 */
export class GroupClassifier {
  constructor(
    readonly groupId: string,
    private readonly classifier: IntentClassifier,
  ) {}

  /** The members' intents under their group names, for training. */
  static intentsOf(members: readonly { readonly id: string; readonly intents: readonly IntentDefinition[] }[]): IntentDefinition[] {
    return members.flatMap((m) => m.intents.map((intent) => ({ ...intent, id: `${m.id}${SEPARATOR}${intent.id}` })));
  }

  /** Every member intent, best first: `{ botId, intentId, score }`. */
  rank(text: string): { botId: string; intentId: string; score: number }[] {
    return this.classifier.classify(text).ranked.map((s) => {
      const at = s.intentId.indexOf(SEPARATOR);
      return { botId: s.intentId.slice(0, at), intentId: s.intentId.slice(at + 1), score: s.score };
    });
  }
}

const SEPARATOR = '\u001f';

/**
 * Every member's best claim on the text, in the order automatic transfer uses (spec 6.1): pattern matches first
 * (bot order), then intents by score. Members whose best intent is below GOOD come last, marked not eligible, so a
 * routing report can show the runner-up and its band. With a group classifier the intent scores are its (one scale for
 * the whole group); without, each member's own.
 */
export function rankGroupCandidates(members: readonly CompiledBot[], text: string, groupClassifier?: GroupClassifier): GroupCandidate[] {
  const patterns: GroupCandidate[] = [];
  for (const member of members) {
    const byPattern = member.matchPattern(text);
    if (byPattern) patterns.push({ botId: member.id, dialog: byPattern.dialog.name, by: 'pattern', pattern: byPattern.pattern, eligible: true });
  }
  const intents = groupClassifier ? groupIntentCandidates(members, text, groupClassifier) : memberIntentCandidates(members, text);
  intents.sort((a, b) => Number(b.eligible) - Number(a.eligible) || (b.score ?? 0) - (a.score ?? 0));
  return [...patterns, ...intents];
}

/** Each member's best intent by the group classifier (members not passed, e.g. disconnected ones, are skipped). */
function groupIntentCandidates(members: readonly CompiledBot[], text: string, groupClassifier: GroupClassifier): GroupCandidate[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  const intents: GroupCandidate[] = [];
  for (const { botId, intentId, score } of groupClassifier.rank(text)) {
    const member = byId.get(botId);
    const dialog = member?.dialogForIntent(intentId);
    if (!member || !dialog) continue;
    byId.delete(botId);
    intents.push({ botId, dialog: dialog.name, by: 'intent', intentId, score, band: confidenceBand(score), eligible: startsDialog(score) });
    if (byId.size === 0) break;
  }
  return intents;
}

/** Each member's best intent by its own classifier. */
function memberIntentCandidates(members: readonly CompiledBot[], text: string): GroupCandidate[] {
  const intents: GroupCandidate[] = [];
  for (const member of members) {
    const classification = member.classify(text);
    if (!classification) continue;
    const best = classification.ranked.find((s) => member.dialogForIntent(s.intentId) !== undefined);
    if (!best) continue;
    const dialog = member.dialogForIntent(best.intentId)?.name as string;
    const match = member.matchIntent(text, classification);
    intents.push({
      botId: member.id,
      dialog,
      by: 'intent',
      intentId: best.intentId,
      score: best.score,
      band: confidenceBand(best.score),
      // Only an intent at GOOD or better takes a conversation over (spec 6.1); the highest raw score wins (5.4), so a bot
      // disambiguates only below GOOD, which never counts here.
      eligible: startsDialog(best.score) && match.kind === 'intent' && match.intentId === best.intentId,
    });
  }
  return intents;
}

export interface GroupOverlap {
  readonly kind: 'same-pattern' | 'pattern-catches-phrase' | 'intent-overlap';
  readonly botA: string;
  readonly botB: string;
  /** Pattern or intent of bot A. */
  readonly a: string;
  /** Pattern, training phrase or intent of bot B. */
  readonly b: string;
  /** For intent overlaps: how many of A's sampled training phrases bot B's intent takes at GOOD or better. */
  readonly count?: number;
  readonly example?: string;
}

export interface GroupCheckReport {
  readonly group: string;
  readonly collaboration: boolean;
  readonly bots: readonly string[];
  readonly warnings: readonly string[];
  readonly overlaps: readonly GroupOverlap[];
}

/** The spec's advice: at most 15 bots in a collaborative group. */
export const MAX_RECOMMENDED_GROUP_SIZE = 15;

/**
 * Checks a group before deployment: patterns two bots share, patterns of one bot that catch another bot's training
 * phrases, and intents of one bot that another bot's classifier claims at GOOD or better. `phrasesPerIntent` bounds the
 * work (phrases are sampled evenly).
 */
export function checkGroup(group: BotGroupDefinition, members: readonly CompiledBot[], phrasesPerIntent = 20): GroupCheckReport {
  const warnings: string[] = [];
  if (members.length > MAX_RECOMMENDED_GROUP_SIZE) warnings.push(`group "${group.id}" has ${members.length} bots; at most ${MAX_RECOMMENDED_GROUP_SIZE} are recommended`);
  if (!group.collaboration) warnings.push(`group "${group.id}" has collaboration off: no automatic transfers happen`);
  if (members.length < 2) warnings.push(`group "${group.id}" has ${members.length} bot(s): nothing to transfer between`);
  const overlaps: GroupOverlap[] = [];
  for (const a of members) {
    for (const b of members) {
      if (a === b) continue;
      if (a.id < b.id) {
        const patternsB = new Map(b.dialogs.flatMap((d) => d.patterns.map((p) => [normalizeForPatterns(p.source), p.source] as const)));
        for (const dialog of a.dialogs) {
          for (const pattern of dialog.patterns) {
            const same = patternsB.get(normalizeForPatterns(pattern.source));
            if (same !== undefined) overlaps.push({ kind: 'same-pattern', botA: a.id, botB: b.id, a: pattern.source, b: same });
          }
        }
      }
      for (const dialog of a.dialogs) {
        for (const pattern of dialog.patterns) {
          for (const intent of b.definition.intents) {
            const phrase = intent.trainingPhrases.find((p) => pattern.matches(p));
            if (phrase !== undefined) overlaps.push({ kind: 'pattern-catches-phrase', botA: a.id, botB: b.id, a: pattern.source, b: `${intent.id}: "${phrase}"` });
          }
        }
      }
      if (!b.hasIntents) continue;
      for (const intent of a.definition.intents) {
        const claimed = new Map<string, { count: number; example: string }>();
        for (const phrase of sample(intent.trainingPhrases, phrasesPerIntent)) {
          const match = b.matchIntent(phrase);
          if (match.kind !== 'intent') continue;
          const entry = claimed.get(match.intentId) ?? { count: 0, example: phrase };
          entry.count++;
          claimed.set(match.intentId, entry);
        }
        for (const [intentB, { count, example }] of claimed) overlaps.push({ kind: 'intent-overlap', botA: a.id, botB: b.id, a: intent.id, b: intentB, count, example });
      }
    }
  }
  return { group: group.id, collaboration: group.collaboration, bots: members.map((m) => m.id), warnings, overlaps };
}

function sample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)] as T);
}
