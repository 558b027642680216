import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { BottangoError, IntentMatcher, isBottangoPlugin, validatePluginOptions } from '@bottango/core';
import { describeIntentMatcherContract, CONTRACT_INTENTS } from '@bottango/testing';
import { NaturalIntentMatcher, NaturalMatcherModule, bottangoPlugin } from './index.js';
import { decodeModel, sha256 } from './model-file.js';
import { DEFAULT_CONFIDENCE_CALIBRATION } from './natural-intent-classifier.js';
import type { NaturalIntentClassifier } from './natural-intent-classifier.js';

describeIntentMatcherContract('natural', () => new NaturalIntentMatcher());

describe('NaturalIntentMatcher model file', () => {
  it('still trains when cacheDir cannot be written (a file in the way): the cache only saves time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'natural-cache-'));
    await writeFile(join(dir, 'taken'), 'not a folder');
    const classifier = await new NaturalIntentMatcher({ cacheDir: join(dir, 'taken', 'models') }).train(CONTRACT_INTENTS);
    expect(classifier.classify('I want a refund').ranked.length).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it.runIf(existsSync('/proc/self'))('still trains when cacheDir is under /proc (a recursive mkdir there never returns)', async () => {
    const classifier = await new NaturalIntentMatcher({ cacheDir: '/proc/bottango-nope/models' }).train(CONTRACT_INTENTS);
    expect(classifier.classify('I want a refund').ranked.length).toBeGreaterThan(0);
  });

  it('saves the model to cacheDir and a new matcher loads it (same results) instead of retraining', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'natural-cache-'));
    const first = await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS);
    const files = await readdir(cacheDir);
    expect(files).toHaveLength(1);
    const header = JSON.parse((await readFile(join(cacheDir, files[0] as string), 'utf8')).split('\n')[0] as string) as Record<string, unknown>;
    expect(header).toMatchObject({ format: 'bottango-natural-intent-model', version: 5 });
    expect(header['dataHash']).toMatch(/^[0-9a-f]{64}$/);

    let progress = 0;
    const loaded = await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS, { onProgress: () => progress++ });
    expect(progress).toBe(1); // one step: loaded, no epochs
    // Small bot: the word-vector evidence travels with the model ("forecast", "sleet" were never trained).
    for (const text of ['order a pizza', 'will it snow', 'reset password', 'what is the forecast, any sleet?']) expect(loaded.classify(text)).toEqual(first.classify(text));
  });

  it("scores a loaded model with the matcher's own calibration and word-vector evidence, not what the file says", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'natural-cache-'));
    const first = await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS);
    const [name] = await readdir(cacheDir);
    const path = join(cacheDir, name as string);
    // Give the file a calibration of its own (no band map, a weight that is not a number), checksums made right again.
    const file = await readFile(path);
    const newline = file.indexOf(10);
    const body = file.subarray(newline + 1);
    const metaLength = body.readUInt32LE(0);
    const meta = JSON.parse(body.subarray(4, 4 + metaLength).toString('utf8')) as { calibration?: unknown };
    meta.calibration = { ...DEFAULT_CONFIDENCE_CALIBRATION, smallBot: { ...DEFAULT_CONFIDENCE_CALIBRATION.smallBot, bandMap: undefined, similarity: 'x' } };
    const metaBytes = Buffer.from(JSON.stringify(meta));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(metaBytes.length);
    const newBody = Buffer.concat([length, metaBytes, body.subarray(4 + metaLength)]);
    const header = { ...(JSON.parse(file.subarray(0, newline).toString('utf8')) as object), bodyBytes: newBody.length, bodySha256: sha256(newBody) };
    await writeFile(path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), newBody]));
    const loaded = await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS);
    for (const text of ['order a pizza', 'what is the forecast, any sleet?', 'book me a flight']) expect(loaded.classify(text), text).toEqual(first.classify(text));
  });

  it('keeps at most 64 trained classifiers for reuse, dropping the oldest', async () => {
    const matcher = new NaturalIntentMatcher();
    const kept = (matcher as unknown as { trained: Map<string, unknown> }).trained;
    const version = (n: number) => CONTRACT_INTENTS.map((i, k) => (k === 0 ? { ...i, trainingPhrases: [...i.trainingPhrases, `pizza number ${n}`] } : i));
    const oldest = await matcher.train(version(0));
    for (let n = 1; n <= 70; n++) await matcher.train(version(n));
    expect(kept.size).toBe(64);
    expect(await matcher.train(version(70))).toBe(await matcher.train(version(70)));
    expect(await matcher.train(version(0))).not.toBe(oldest);
  });

  it('retrains when the data changes and reuses the classifier in memory when it does not', async () => {
    const matcher = new NaturalIntentMatcher();
    const a = await matcher.train(CONTRACT_INTENTS);
    expect(await matcher.train(CONTRACT_INTENTS)).toBe(a);
    const changed = CONTRACT_INTENTS.map((i, k) => (k === 0 ? { ...i, trainingPhrases: [...i.trainingPhrases, 'one more pizza'] } : i));
    expect(await matcher.train(changed)).not.toBe(a);
  });

  it('retrains over a corrupt model file and replaces it (it is only a cache)', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'natural-cache-'));
    await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS);
    const [name] = await readdir(cacheDir);
    const path = join(cacheDir, name as string);
    const bytes = await readFile(path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(path, bytes);
    // What the cache reader refuses, and why:
    const refused = (() => {
      try {
        const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString('utf8')) as { dataHash: string; optionsHash: string };
        decodeModel(bytes, path, header, { calibration: DEFAULT_CONFIDENCE_CALIBRATION, semanticFor: () => undefined });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(BottangoError.is(refused, 'MODEL_FORMAT')).toBe(true);
    expect((refused as Error).message).toContain(path);
    expect((refused as Error).message).toContain('corrupt');
    let progress = 0;
    const retrained = await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS, { onProgress: () => progress++ });
    expect(progress).toBeGreaterThan(1); // trained, not loaded
    expect(retrained.classify('order a pizza').ranked[0]?.intentId).toBe(CONTRACT_INTENTS[0]?.id);
    expect(await readFile(path)).not.toEqual(bytes); // replaced by a good file
    let again = 0;
    await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS, { onProgress: () => again++ });
    expect(again).toBe(1); // which the next matcher loads
  });

  it('retrains over a model file of another format version', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'natural-cache-'));
    await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS);
    const [name] = await readdir(cacheDir);
    const path = join(cacheDir, name as string);
    const text = (await readFile(path)).toString('latin1');
    await writeFile(path, Buffer.from(text.replace('"version":5', '"version":99'), 'latin1'));
    expect(() => decodeModel(readFileSync(path), path, { dataHash: 'x', optionsHash: 'y' }, { calibration: DEFAULT_CONFIDENCE_CALIBRATION, semanticFor: () => undefined })).toThrow(/version 99 is not supported/);
    let progress = 0;
    await new NaturalIntentMatcher({ cacheDir }).train(CONTRACT_INTENTS, { onProgress: () => progress++ });
    expect(progress).toBeGreaterThan(1);
    expect(readFileSync(path, 'latin1')).toContain('"version":5');
  });
});

describe('NaturalIntentClassifier caches', () => {
  it('classifies a text the same after its word cache (and the word class vectors) have been dropped and refilled', async () => {
    const classifier = await new NaturalIntentMatcher().train(CONTRACT_INTENTS);
    const texts = ['order a pizza please', 'will it snow tomorrow', 'reset my password'];
    const before = texts.map((t) => classifier.classify(t));
    // 50,000 distinct words fill the cache (its limit) and drop it; they share n-grams with training words, so each
    // gets a class vector and the vector pool is reused from the start.
    for (let i = 0; i < 50_010; i++) classifier.classify(`pizza${i.toString(36)} snowy${i.toString(36)}`);
    expect(texts.map((t) => classifier.classify(t))).toEqual(before);
  });

  it('keeps the word caches bounded when every text brings a long made-up word (a hostile user)', async () => {
    const classifier = (await new NaturalIntentMatcher().train(CONTRACT_INTENTS)) as NaturalIntentClassifier;
    const before = classifier.classify('order a pizza please');
    const featurizer = classifier.featurizer as unknown as { wordCache: Map<string, unknown>; wordCacheCharacters: number };
    const semantic = classifier.semantic as unknown as { wordEvidence: Map<string, unknown> };
    for (let i = 0; i < 300; i++) classifier.classify(`pizza ${'q'.repeat(9_990)}${i.toString(36)}`);
    expect(featurizer.wordCacheCharacters).toBeLessThanOrEqual(1_000_000);
    expect(featurizer.wordCache.size).toBeLessThan(110);
    expect([...semantic.wordEvidence.keys()].every((word) => word.length < 100)).toBe(true); // made-up words are never cached
    expect(classifier.classify('order a pizza please')).toEqual(before);
  });

  it('ranks every intent, best first, also for texts with repeated words (sublinear-tf corrections)', async () => {
    const classifier = await new NaturalIntentMatcher().train(CONTRACT_INTENTS);
    for (const text of ['pizza pizza pizza', 'order order a pizza pizza', 'snow']) {
      const { ranked } = classifier.classify(text);
      expect(ranked.map((s) => s.intentId).sort()).toEqual(CONTRACT_INTENTS.map((i) => i.id).sort());
      for (let r = 1; r < ranked.length; r++) expect((ranked[r] as { score: number }).score).toBeLessThanOrEqual((ranked[r - 1] as { score: number }).score);
    }
  });
});

describe('NaturalMatcherModule', () => {
  it('binds the matcher as an IntentMatcher singleton', () => {
    const container = new Container();
    container.load(NaturalMatcherModule.fromOptions({}));
    const matchers = container.getAll<IntentMatcher>(IntentMatcher);
    expect(matchers.map((m) => m.id)).toEqual(['natural']);
    expect(container.get(NaturalIntentMatcher)).toBe(container.get(NaturalIntentMatcher));
  });

  it('exports a branded plugin whose options are validated', async () => {
    expect(isBottangoPlugin(bottangoPlugin)).toBe(true);
    expect(bottangoPlugin.name).toBe('@bottango/matcher-natural');
    expect(await validatePluginOptions(bottangoPlugin, { cacheDir: '/tmp/x', epochs: 4 })).toEqual({ ok: true, options: { cacheDir: '/tmp/x', epochs: 4 } });
    expect(await validatePluginOptions(bottangoPlugin, { epochs: -1 })).toEqual({ ok: false, issues: [{ path: 'options.epochs', message: 'must be an integer from 1 to 1000, got -1' }] });
    expect(await validatePluginOptions(bottangoPlugin, { cacheDir: 3 })).toEqual({ ok: false, issues: [{ path: 'options.cacheDir', message: 'must be a non-empty directory path, got 3' }] });
    expect(await validatePluginOptions(bottangoPlugin, { cachedir: 'x' })).toEqual({ ok: false, issues: [{ path: 'options', message: 'unknown option "cachedir" (known: cacheDir, epochs)' }] });
  });
});

describe('NaturalIntentClassifier results', () => {
  // Thirty intents whose phrases share no words: on any one text almost every other intent scores ~0.
  const many = Array.from({ length: 30 }, (_, i) => ({
    id: `intent${i}`,
    name: `intent${i}`,
    trainingPhrases: [`alpha${i} bravo${i}`, `charlie${i} delta${i} echo${i}`, `foxtrot${i} alpha${i}`],
  }));

  it('lists every intent, best first, with scores below MIN_REPORTED_SCORE reported as 0', async () => {
    const { MIN_REPORTED_SCORE } = await import('./index.js');
    const classifier = await new NaturalIntentMatcher().train(many);
    const { ranked } = classifier.classify('alpha7 bravo7');
    expect(ranked.map((s) => s.intentId).sort()).toEqual(many.map((i) => i.id).sort());
    expect(ranked[0]).toMatchObject({ intentId: 'intent7' });
    expect(ranked[0]?.score).toBeGreaterThan(0.6);
    for (let k = 1; k < ranked.length; k++) expect(ranked[k - 1]?.score).toBeGreaterThanOrEqual(ranked[k]?.score as number);
    expect(ranked.every((s) => s.score === 0 || s.score >= MIN_REPORTED_SCORE)).toBe(true);
    expect(ranked.filter((s) => s.score === 0).length).toBeGreaterThan(20);
  });

  it('never changes a result it returned before (the shared zero scores are frozen)', async () => {
    const classifier = await new NaturalIntentMatcher().train(many);
    const first = classifier.classify('alpha3 bravo3');
    const copy = structuredClone(first);
    classifier.classify('charlie9 delta9 echo9');
    expect(first).toEqual(copy);
    const zero = first.ranked.find((s) => s.score === 0);
    expect(Object.isFrozen(zero)).toBe(true);
  });
});
