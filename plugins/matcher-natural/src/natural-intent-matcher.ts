import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BottangoError, BottangoErrorCode, type IntentClassifier, type IntentDefinition, type IntentMatcher, type IntentTrainingOptions } from '@bottango/core';
import { decodeModel, encodeModel, MODEL_FORMAT_VERSION, sha256 } from './model-file.js';
import { NaturalIntentClassifier, DEFAULT_CONFIDENCE_CALIBRATION, type ConfidenceCalibration } from './natural-intent-classifier.js';
import { contentWordsOf, SemanticEvidence } from './semantic-evidence.js';
import { SoftmaxModel, DEFAULT_SOFTMAX_TRAINING_OPTIONS, type SoftmaxTrainingOptions } from './softmax-model.js';
import { TextFeaturizer, DEFAULT_TEXT_FEATURE_OPTIONS, type TextFeatureOptions } from './text-features.js';
import { wordVectors } from './word-vectors.js';

export interface NaturalIntentMatcherOptions {
  /** Directory for trained models; a model whose data and options hashes match is loaded instead of retrained. */
  readonly cacheDir?: string;
  readonly features?: Partial<TextFeatureOptions>;
  readonly training?: Partial<SoftmaxTrainingOptions>;
  readonly calibration?: ConfidenceCalibration;
}

/** How many example updates training aims for: small corpora get more epochs (up to `MAX_EPOCHS`). */
const TARGET_UPDATES = 120_000;
const MAX_EPOCHS = 100;

/**
 * Trained classifiers kept for reuse, at most this many (oldest dropped first): a server that retrains bots as they are
 * edited would otherwise keep every version. The runtime holds the classifiers it uses; this only saves retraining.
 */
const KEPT_CLASSIFIERS = 64;

/** TF-IDF (stemmed words, bigrams, character n-grams) + softmax regression, with calibrated scores. */
export class NaturalIntentMatcher implements IntentMatcher {
  readonly id = 'natural';
  private readonly features: TextFeatureOptions;
  private readonly training: SoftmaxTrainingOptions;
  private readonly calibration: ConfidenceCalibration;
  private readonly optionsHash: string;
  private readonly trained = new Map<string, Promise<NaturalIntentClassifier>>();
  private readonly cacheDir: string | undefined;

  constructor(options: NaturalIntentMatcherOptions = {}) {
    this.features = { ...DEFAULT_TEXT_FEATURE_OPTIONS, ...options.features };
    this.training = { ...DEFAULT_SOFTMAX_TRAINING_OPTIONS, ...options.training };
    this.calibration = options.calibration ?? DEFAULT_CONFIDENCE_CALIBRATION;
    this.cacheDir = options.cacheDir;
    this.optionsHash = sha256(JSON.stringify({ version: MODEL_FORMAT_VERSION, features: this.features, training: this.training, calibration: this.calibration }));
  }

  async train(intents: readonly IntentDefinition[], options: IntentTrainingOptions = {}): Promise<IntentClassifier> {
    const outOfScope = [...new Set(options.outOfScopeIntentIds ?? [])].sort();
    const dataHash = trainingDataHash(intents, outOfScope);
    let pending = this.trained.get(dataHash);
    if (pending === undefined) {
      pending = this.loadOrTrain(intents, outOfScope, dataHash, options.onProgress);
      this.trained.set(dataHash, pending);
      if (this.trained.size > KEPT_CLASSIFIERS) this.trained.delete(this.trained.keys().next().value as string);
      pending.catch(() => this.trained.delete(dataHash));
    }
    return pending;
  }

  /** Path of the cached model for this data (when `cacheDir` is set). */
  modelPath(dataHash: string): string | undefined {
    return this.cacheDir === undefined ? undefined : join(this.cacheDir, `natural-${dataHash.slice(0, 24)}-${this.optionsHash.slice(0, 12)}.model`);
  }

  private async loadOrTrain(
    intents: readonly IntentDefinition[],
    outOfScope: readonly string[],
    dataHash: string,
    onProgress: ((done: number, total: number) => void) | undefined,
  ): Promise<NaturalIntentClassifier> {
    const path = this.modelPath(dataHash);
    if (path !== undefined) {
      const file = await readFile(path).catch(() => undefined);
      // A cached model that cannot be read (corrupt, another format version) is retrained and replaced: it is only a
      // cache, and a bot must not stay down until someone finds the file and deletes it.
      const cached = file === undefined ? undefined : this.decodeCached(file, path, dataHash, intents);
      if (cached !== undefined) {
        onProgress?.(1, 1);
        return cached;
      }
    }
    const classifier = this.fit(intents, outOfScope, onProgress);
    if (path !== undefined && this.cacheDir !== undefined) {
      // The cache only saves training time: a folder that cannot be written costs a retrain next time, not the bot.
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        await createFolder(this.cacheDir);
        await writeFile(temporary, encodeModel(classifier, dataHash, this.optionsHash));
        await rename(temporary, path);
      } catch {
        await rm(temporary, { force: true }).catch(() => undefined);
      }
    }
    return classifier;
  }

  private fit(intents: readonly IntentDefinition[], outOfScope: readonly string[], onProgress?: (done: number, total: number) => void): NaturalIntentClassifier {
    const seen = new Set<string>();
    for (const intent of intents) {
      if (seen.has(intent.id)) throw new BottangoError(BottangoErrorCode.InvalidDefinition, `intent id ${JSON.stringify(intent.id)} appears twice`, { details: { intentId: intent.id } });
      seen.add(intent.id);
    }
    const classIds = intents.map((i) => i.id);
    const texts: string[] = [];
    const labels: number[] = [];
    intents.forEach((intent, c) => {
      for (const phrase of intent.trainingPhrases) {
        texts.push(phrase);
        labels.push(c);
      }
    });
    const { featurizer, rows, contentFree } = TextFeaturizer.fit(texts, this.features);
    // Classes trained with a phrase without content word ("yes", "what can you do"): such inputs are evidence for them.
    const contentFreeClasses = [...new Set(labels.filter((_, t) => contentFree[t] === 1))].sort((a, b) => a - b);
    const epochs = Math.max(this.training.epochs, Math.min(MAX_EPOCHS, Math.ceil(TARGET_UPDATES / Math.max(1, texts.length))));
    const total = epochs + 1;
    onProgress?.(1, total);
    const model = SoftmaxModel.train(rows, Int32Array.from(labels), Math.max(1, classIds.length), featurizer.size, { ...this.training, epochs }, (epoch) =>
      onProgress?.(epoch + 1, total),
    );
    featurizer.clearWordCache(); // drops the training texts' id pool entries
    return new NaturalIntentClassifier(featurizer, model, classIds, outOfScope.filter((id) => seen.has(id)), this.calibration, texts.length, contentFreeClasses, this.semanticFor(intents, texts.length));
  }

  /** A cached model file, or undefined when it cannot be read (`MODEL_FORMAT`; any other error is thrown). */
  private decodeCached(file: Buffer, path: string, dataHash: string, intents: readonly IntentDefinition[]): NaturalIntentClassifier | undefined {
    try {
      return decodeModel(file, path, { dataHash, optionsHash: this.optionsHash }, { calibration: this.calibration, semanticFor: (examples) => this.semanticFor(intents, examples) });
    } catch (error) {
      if (BottangoError.is(error, BottangoErrorCode.ModelFormat)) return undefined;
      throw error;
    }
  }

  /** The word-vector evidence of a bot of `examples` phrases: small bots only, so only they load the vectors. */
  private semanticFor(intents: readonly IntentDefinition[], examples: number): SemanticEvidence | undefined {
    if (examples >= this.calibration.smallBotExamples) return undefined;
    return new SemanticEvidence(intents.map((intent) => intent.trainingPhrases.map(contentWordsOf)), wordVectors());
  }
}

/** `mkdir -p` by hand: Node 20's recursive mkdir never returns for a folder under /proc; this fails with ENOENT. */
async function createFolder(dir: string): Promise<void> {
  const created = await mkdir(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return true;
      if (error.code === 'ENOENT' && dirname(dir) !== dir) return false;
      throw error;
    },
  );
  if (created) return;
  await createFolder(dirname(dir));
  await mkdir(dir);
}

/** sha256 over the intents (ids and phrases, in order) and the out-of-scope ids. */
export function trainingDataHash(intents: readonly IntentDefinition[], outOfScopeIntentIds: readonly string[]): string {
  return sha256(JSON.stringify({ intents: intents.map((i) => [i.id, i.trainingPhrases]), outOfScope: outOfScopeIntentIds }));
}
