import { readFile } from 'node:fs/promises';
import { BottangoError, BottangoErrorCode } from '@bottango/core';

export type IntentDatasetSplit = 'train' | 'val' | 'test';

export interface IntentExample {
  readonly text: string;
  readonly intent: string;
  readonly split: IntentDatasetSplit;
}

export interface IntentDataset {
  /** The file it was read from. */
  readonly file: string;
  readonly examples: readonly IntentExample[];
}

const SPLITS: readonly string[] = ['train', 'val', 'test'];

/** Reads a JSONL dataset (`{"text","intent","split"}` per line); throws INVALID_DATASET naming file, line and field. */
export async function loadIntentDataset(file: string): Promise<IntentDataset> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.InvalidDataset, `cannot read dataset: ${(cause as Error).message}`, { where: file, cause });
  }
  return { file, examples: parseIntentDataset(content, file) };
}

export function parseIntentDataset(content: string, file: string): IntentExample[] {
  const examples: IntentExample[] = [];
  const lines = content.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line.length === 0) return;
    const where = `${file}:${i + 1}`;
    const fail = (message: string, field?: string): never => {
      throw new BottangoError(BottangoErrorCode.InvalidDataset, message, { where, details: { line: i + 1, ...(field === undefined ? {} : { field }) } });
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      fail('line is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('line is not a JSON object');
    const { text, intent, split } = value as Record<string, unknown>;
    if (typeof text !== 'string') return fail(`field "text" must be a string, got ${JSON.stringify(text)}`, 'text');
    if (typeof intent !== 'string' || intent.length === 0) return fail(`field "intent" must be a non-empty string, got ${JSON.stringify(intent)}`, 'intent');
    if (typeof split !== 'string' || !SPLITS.includes(split)) return fail(`field "split" must be one of train, val, test, got ${JSON.stringify(split)}`, 'split');
    examples.push({ text, intent, split: split as IntentDatasetSplit });
  });
  if (examples.length === 0) throw new BottangoError(BottangoErrorCode.InvalidDataset, 'dataset has no examples', { where: file });
  return examples;
}
