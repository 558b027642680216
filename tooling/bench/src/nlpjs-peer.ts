import { createRequire } from 'node:module';

/** The part of NLP.js 4.27's `Nlp` the benches use. */
export interface NlpjsNlp {
  addLanguage(lang: string): void;
  addDocument(lang: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(lang: string, text: string): Promise<{ intent: string; score: number; classifications?: readonly { intent: string; score: number }[] }>;
}

/** NLP.js's default settings as the benches run it: English, nothing saved or loaded, no log. */
const NLPJS_SETTINGS = { autoSave: false, autoLoad: false, log: false, languages: ['en'] } as const;

/**
 * Starts NLP.js's dock with the `Basic` plugin and NLPJS_SETTINGS: `nlp` is the dock's own instance (the nlu bench's one
 * model), `newNlp()` a fresh one on the same container (one per small bot). Call only in a child process whose working
 * directory has no `plugins` or `pipelines` folder: the dock loads every .js under them.
 */
export async function startNlpjs(): Promise<{ readonly nlp: NlpjsNlp; newNlp(): NlpjsNlp }> {
  const require = createRequire(import.meta.url);
  const { dockStart, Nlp } = require('@nlpjs/basic') as {
    dockStart: (settings: unknown) => Promise<{ get(name: string): NlpjsNlp; getContainer(): unknown }>;
    Nlp: new (settings: unknown) => NlpjsNlp;
  };
  const dock = await dockStart({ use: ['Basic'], settings: { nlp: NLPJS_SETTINGS } });
  return { nlp: dock.get('nlp'), newNlp: () => new Nlp({ ...NLPJS_SETTINGS, container: dock.getContainer() }) };
}
