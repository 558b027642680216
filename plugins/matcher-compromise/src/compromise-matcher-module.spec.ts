import { IntentMatcher, isBottangoPlugin, StarterPatternSyntax, TextNormalizer, validatePluginOptions } from '@bottango/core';
import { Container, ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { bottangoPlugin, CompromiseMatcherModule } from './compromise-matcher-module.js';
import { CompromiseNormalizer } from './compromise-normalizer.js';

function containerWith(module: ContainerModule): Container {
  const container = new Container();
  container.load(module);
  return container;
}

describe('CompromiseMatcherModule', () => {
  it('binds the normaliser, the starter syntax and the intent matcher by default, as singletons', () => {
    const container = containerWith(CompromiseMatcherModule.fromOptions({}));
    const normalizer = container.get<TextNormalizer>(TextNormalizer);
    expect(normalizer.id).toBe('compromise');
    expect(normalizer.normalize("I'd cancel TWO orders")).toBe('i would cancel 2 order');
    expect(container.get(TextNormalizer)).toBe(normalizer);
    expect(container.get(CompromiseNormalizer)).toBe(normalizer);

    const syntax = container.get<StarterPatternSyntax>(StarterPatternSyntax);
    expect(syntax.syntax).toBe('compromise');
    expect(syntax.compile('cancel my order').matches('cancelled my orders')).toBe(true);

    const matchers = container.getAll<IntentMatcher>(IntentMatcher);
    expect(matchers.map((m) => m.id)).toEqual(['compromise']);
    expect(container.get(IntentMatcher)).toBe(matchers[0]);
  });

  it('leaves out what is switched off', () => {
    const container = containerWith(CompromiseMatcherModule.fromOptions({ normalizer: false, starterSyntax: false }));
    expect(container.isBound(TextNormalizer)).toBe(false);
    expect(container.isBound(StarterPatternSyntax)).toBe(false);
    expect(container.get<IntentMatcher>(IntentMatcher).id).toBe('compromise');

    const onlySyntax = containerWith(CompromiseMatcherModule.fromOptions({ normalizer: false, intentMatcher: false }));
    expect(onlySyntax.isBound(IntentMatcher)).toBe(false);
    expect(onlySyntax.isBound(CompromiseNormalizer)).toBe(false);
    expect(onlySyntax.get<StarterPatternSyntax>(StarterPatternSyntax).syntax).toBe('compromise');
  });

  it('trains through the container-made matcher', async () => {
    const container = containerWith(CompromiseMatcherModule.fromOptions({}));
    const classifier = await container.get<IntentMatcher>(IntentMatcher).train([{ id: 'greet', name: 'Greet', trainingPhrases: ['hello there'] }]);
    expect(classifier.classify('Hello there!').ranked).toEqual([{ intentId: 'greet', score: 1 }]);
    expect(classifier.classify('what time is it').ranked).toEqual([{ intentId: 'greet', score: 0 }]);
  });
});

describe('bottangoPlugin', () => {
  it('is a branded plugin named after the package that builds the module from plain options', () => {
    expect(isBottangoPlugin(bottangoPlugin)).toBe(true);
    expect(bottangoPlugin.name).toBe('@bottango/matcher-compromise');
    const container = containerWith(bottangoPlugin.createModule({ intentMatcher: false }) as ContainerModule);
    expect(container.isBound(IntentMatcher)).toBe(false);
    expect(container.isBound(StarterPatternSyntax)).toBe(true);
  });

  it.each([
    [{ normalizer: 'yes' }, 'options.normalizer', 'must be true or false, got "yes"'],
    [{ intentMatchers: true }, 'options', 'unknown option "intentMatchers" (known: normalizer, starterSyntax, intentMatcher)'],
    [[], 'options', 'options must be an object, got []'],
  ])('rejects %j naming the field', async (options, path, message) => {
    expect(await validatePluginOptions(bottangoPlugin, options)).toEqual({ ok: false, issues: [{ path, message }] });
  });

  it('accepts the documented options as given', async () => {
    expect(await validatePluginOptions(bottangoPlugin, { starterSyntax: false })).toEqual({ ok: true, options: { starterSyntax: false } });
  });
});
