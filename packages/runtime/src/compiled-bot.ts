import {
  CONFIDENCE_THRESHOLDS,
  confidenceBand,
  DEFAULT_PATTERN_SYNTAX,
  DialogType,
  intentMatchOutcome,
  type BotDefinition,
  type CompiledStarterPattern,
  type ConfidenceBand,
  type DialogDefinition,
  type IntentClassification,
  type IntentClassifier,
  type IntentDefinition,
  type ResponseCondition,
  type StarterPatternSyntax,
} from '@bottango/core';
import { matchesExcludeKeyword, normalizeForPatterns } from '@bottango/matcher-pattern';

export interface CompiledDialog {
  readonly definition: DialogDefinition;
  readonly name: string;
  readonly patterns: readonly CompiledStarterPattern[];
  readonly intentId: string | undefined;
  readonly excludeKeywords: readonly string[];
  /** Interaction name → index. */
  readonly interactionIndex: ReadonlyMap<string, number>;
  /** Response conditions of the dialog's questions, by interaction index. */
  readonly conditions: ReadonlyMap<number, readonly CompiledCondition[]>;
}

/** A question's response condition, ready to test (`intent` conditions are tested by the bot's classifier). */
export interface CompiledCondition {
  readonly condition: ResponseCondition;
  readonly test: ((answer: string) => boolean) | undefined;
}

export interface DisambiguationOption {
  readonly intentId: string;
  readonly name: string;
  readonly score: number;
}

/** What a bot's dialog starters make of a message: patterns first, then intents, then disambiguation, else none. */
export type StarterMatch =
  | { readonly kind: 'pattern'; readonly dialog: CompiledDialog; readonly pattern: string }
  | { readonly kind: 'intent'; readonly dialog: CompiledDialog; readonly intentId: string; readonly score: number; readonly band: ConfidenceBand }
  | { readonly kind: 'disambiguate'; readonly options: readonly DisambiguationOption[] }
  | { readonly kind: 'none'; readonly bestScore: number };

/** A bot ready to run: patterns compiled, classifier trained, dialogs indexed. Built once when the runtime starts. */
export class CompiledBot {
  readonly id: string;
  readonly definition: BotDefinition;
  readonly dialogs: readonly CompiledDialog[];
  readonly fallback: CompiledDialog | undefined;
  readonly disambiguation: CompiledDialog | undefined;
  /** Starts instead of the fallback after `autoEscalationAfter` fallbacks in a row. */
  readonly autoEscalation: CompiledDialog | undefined;
  readonly intents: ReadonlyMap<string, IntentDefinition>;
  readonly #byName: ReadonlyMap<string, CompiledDialog>;
  readonly #byIntent: ReadonlyMap<string, CompiledDialog>;
  readonly #classifier: IntentClassifier | undefined;
  readonly #starters: readonly CompiledDialog[];

  constructor(definition: BotDefinition, dialogs: CompiledDialog[], classifier: IntentClassifier | undefined) {
    this.id = definition.id;
    this.definition = definition;
    this.dialogs = dialogs;
    this.#classifier = classifier;
    this.intents = new Map(definition.intents.map((i) => [i.id, i]));
    this.#byName = new Map(dialogs.map((d) => [d.name, d]));
    const active = dialogs.filter((d) => !d.definition.disabled);
    this.#starters = active.filter((d) => d.definition.type === DialogType.Standard);
    // When two dialogs use one intent, the first in the bot wins (the definitions check warns about it).
    const byIntent = new Map<string, CompiledDialog>();
    for (const d of this.#starters) if (d.intentId !== undefined && !byIntent.has(d.intentId)) byIntent.set(d.intentId, d);
    // A dialog starter on a meta intent also starts for each child intent that has no dialog starter of its own.
    for (const d of this.#starters) {
      for (const child of (d.intentId === undefined ? undefined : this.intents.get(d.intentId))?.children ?? []) if (!byIntent.has(child)) byIntent.set(child, d);
    }
    this.#byIntent = byIntent;
    this.fallback = active.find((d) => d.definition.type === DialogType.Fallback);
    this.disambiguation = active.find((d) => d.definition.type === DialogType.Disambiguation);
    this.autoEscalation = active.find((d) => d.definition.type === DialogType.AutoEscalation);
  }

  dialog(name: string): CompiledDialog | undefined {
    return this.#byName.get(name);
  }

  /** The enabled standard dialog whose starter uses this intent. */
  dialogForIntent(intentId: string): CompiledDialog | undefined {
    return this.#byIntent.get(intentId);
  }

  get hasIntents(): boolean {
    return this.#classifier !== undefined;
  }

  /** First dialog (in bot order) one of whose patterns matches the whole message. */
  matchPattern(text: string): { dialog: CompiledDialog; pattern: string } | undefined {
    const normalized = normalizeForPatterns(text);
    for (const dialog of this.#starters) {
      for (const pattern of dialog.patterns) {
        if (pattern.matches(text) && !excluded(dialog, normalized)) return { dialog, pattern: pattern.source };
      }
    }
    return undefined;
  }

  classify(text: string): IntentClassification | undefined {
    return this.#classifier?.classify(text);
  }

  /**
   * Intents (spec 5.4, 5.6): the eligible intent with the highest raw score at GOOD or better starts its dialog — however
   * close the runner-up. Below GOOD, FAIR PLUS counts only in a bot with a disambiguation dialog: two or more intents at
   * FAIR PLUS or better are offered to the user (the best `disambiguationOptions`); with
   * `useIntentsOnlyWithDialogStartersInDisambiguation` only intents with a dialog starter are offered, and when that
   * leaves one, its dialog starts straight away. Anything else is no match (the fallback).
   */
  matchIntent(text: string, classification = this.classify(text)): StarterMatch {
    if (!classification) return { kind: 'none', bestScore: 0 };
    const normalized = normalizeForPatterns(text);
    const eligible = (intentId: string): boolean => {
      const dialog = this.#byIntent.get(intentId);
      return dialog !== undefined && !excluded(dialog, normalized);
    };
    const outcome = intentMatchOutcome(classification, eligible);
    if (outcome.kind === 'match') {
      const dialog = this.#byIntent.get(outcome.intentId) as CompiledDialog;
      return { kind: 'intent', dialog, intentId: outcome.intentId, score: outcome.score, band: outcome.band };
    }
    if (this.disambiguation) {
      const startersOnly = this.definition.settings?.useIntentsOnlyWithDialogStartersInDisambiguation ?? false;
      // Offered: intents of this bot at FAIR PLUS or better; an intent with a dialog starter only if its exclude
      // keywords let it start; without the setting, intents with no dialog starter too (choosing one: the fallback).
      const offered = (intentId: string): boolean => (this.#byIntent.has(intentId) ? eligible(intentId) : !startersOnly && this.intents.has(intentId));
      const candidates = classification.ranked.filter((s) => s.score >= CONFIDENCE_THRESHOLDS.FAIR_PLUS && offered(s.intentId));
      const [first, second] = candidates;
      if (first && second) {
        const count = Math.min(3, Math.max(2, this.definition.settings?.disambiguationOptions ?? 3));
        const options = candidates.slice(0, count).map((s) => ({ intentId: s.intentId, name: this.intents.get(s.intentId)?.name ?? s.intentId, score: s.score }));
        return { kind: 'disambiguate', options };
      }
      if (first && startersOnly) {
        const dialog = this.#byIntent.get(first.intentId) as CompiledDialog;
        return { kind: 'intent', dialog, intentId: first.intentId, score: first.score, band: confidenceBand(first.score) };
      }
    }
    return { kind: 'none', bestScore: outcome.best?.score ?? 0 };
  }

  /**
   * The first response condition of the question at `position` of `dialog` that takes `answer`; undefined when the
   * question has no conditions or none matches.
   */
  answerCondition(dialog: CompiledDialog, position: number, answer: string): ResponseCondition | undefined {
    const conditions = dialog.conditions.get(position);
    if (!conditions) return undefined;
    let classification: IntentClassification | undefined;
    for (const { condition, test } of conditions) {
      if (test) {
        if (test(answer)) return condition;
        continue;
      }
      classification ??= this.classify(answer);
      const accepted = new Set([condition.value, ...(this.intents.get(condition.value)?.children ?? [])]);
      if (classification?.ranked.some((s) => accepted.has(s.intentId) && s.score >= CONFIDENCE_THRESHOLDS.GOOD)) return condition;
    }
    return undefined;
  }

  /** The documented order: dialog-starter patterns, then intents at GOOD or better, then disambiguation. */
  matchStarter(text: string): StarterMatch {
    const byPattern = this.matchPattern(text);
    if (byPattern) return { kind: 'pattern', ...byPattern };
    return this.matchIntent(text);
  }
}

function excluded(dialog: CompiledDialog, normalizedText: string): boolean {
  return dialog.excludeKeywords.length > 0 && matchesExcludeKeyword(normalizedText, dialog.excludeKeywords) !== undefined;
}

/**
 * Compiles every starter pattern with the syntax it names. The definition was validated first (`createRuntime`), so
 * every syntax is loaded and every pattern compiles.
 */
export function compileDialogs(definition: BotDefinition, syntaxes: ReadonlyMap<string, StarterPatternSyntax>): CompiledDialog[] {
  return definition.dialogs.map((dialog) => {
    const patterns = (dialog.starter?.patterns ?? []).map((entry) => {
      const [syntax, source] = typeof entry === 'string' ? [DEFAULT_PATTERN_SYNTAX, entry] : [entry.syntax, entry.pattern];
      return (syntaxes.get(syntax) as StarterPatternSyntax).compile(source);
    });
    const intentId = dialog.starter?.intent;
    const interactionIndex = new Map<string, number>();
    dialog.interactions.forEach((interaction, i) => {
      if (interaction.name !== undefined) interactionIndex.set(interaction.name, i);
    });
    const conditions = new Map<number, CompiledCondition[]>();
    dialog.interactions.forEach((interaction, i) => {
      if (interaction.type !== 'question' || !interaction.conditions?.length) return;
      conditions.set(i, interaction.conditions.map((condition) => ({ condition, test: compileCondition(condition, syntaxes) })));
    });
    return {
      definition: dialog,
      name: dialog.name,
      patterns,
      intentId,
      excludeKeywords: (dialog.starter?.excludeKeywords ?? []).map(normalizeForPatterns).filter((k) => k.length > 0),
      interactionIndex,
      conditions,
    };
  });
}


/** A test for an `exact`, `pattern` or `regex` condition; undefined for `intent` (the bot's classifier decides). */
function compileCondition(condition: ResponseCondition, syntaxes: ReadonlyMap<string, StarterPatternSyntax>): ((answer: string) => boolean) | undefined {
  switch (condition.match) {
    case 'exact': {
      const expected = condition.value.trim().toLowerCase();
      return (answer) => answer.trim().toLowerCase() === expected;
    }
    case 'pattern': {
      const pattern = (syntaxes.get(DEFAULT_PATTERN_SYNTAX) as StarterPatternSyntax).compile(condition.value);
      return (answer) => pattern.matches(answer);
    }
    case 'regex': {
      const regex = new RegExp(condition.value, 'i');
      return (answer) => regex.test(answer.trim());
    }
    case 'intent':
      return undefined;
  }
}
