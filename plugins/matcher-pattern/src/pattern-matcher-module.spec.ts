import { DEFAULT_PATTERN_SYNTAX, isBottangoPlugin, StarterPatternSyntax, validatePluginOptions } from '@bottango/core';
import { Container, type ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { bottangoPlugin } from './plugin.js';
import { PatternMatcherModule } from './pattern-matcher-module.js';
import { PatternSyntax } from './pattern-syntax.js';

describe('PatternMatcherModule', () => {
  it('binds StarterPatternSyntax to one PatternSyntax singleton named "pattern"', () => {
    const container = new Container();
    container.load(PatternMatcherModule.fromOptions({}));
    const syntax = container.get<StarterPatternSyntax>(StarterPatternSyntax);
    expect(syntax.syntax).toBe(DEFAULT_PATTERN_SYNTAX);
    expect(syntax).toBe(container.get(PatternSyntax));
    expect(container.getAll<StarterPatternSyntax>(StarterPatternSyntax)).toHaveLength(1);
    expect(syntax.compile('(hi|hello)*').matches('Hello there')).toBe(true);
  });

  it('throws INVALID_PATTERN through the extension point', () => {
    const container = new Container();
    container.load(PatternMatcherModule.fromOptions({}));
    const syntax = container.get<StarterPatternSyntax>(StarterPatternSyntax);
    expect(() => syntax.compile('(hi|hello')).toThrow('pattern "(hi|hello": unclosed "(" at position 0');
  });
});

describe('bottangoPlugin', () => {
  it('is a Bottango plugin that creates the module', () => {
    expect(isBottangoPlugin(bottangoPlugin)).toBe(true);
    expect(bottangoPlugin.name).toBe('@bottango/matcher-pattern');
    const container = new Container();
    container.load(bottangoPlugin.createModule({}) as ContainerModule);
    expect(container.get<StarterPatternSyntax>(StarterPatternSyntax).syntax).toBe('pattern');
  });

  it('rejects unknown options, naming the field', async () => {
    expect(await validatePluginOptions(bottangoPlugin, { caseSensitive: true })).toEqual({
      ok: false,
      issues: [{ path: 'options', message: 'unknown option "caseSensitive"; @bottango/matcher-pattern takes no options' }],
    });
    expect(await validatePluginOptions(bottangoPlugin, undefined)).toEqual({ ok: true, options: {} });
  });
});
