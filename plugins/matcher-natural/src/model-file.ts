import { createHash } from 'node:crypto';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { SoftmaxModel } from './softmax-model.js';
import { TextFeaturizer, type TextFeatureOptions } from './text-features.js';
import { NaturalIntentClassifier, type ConfidenceCalibration } from './natural-intent-classifier.js';
import type { SemanticEvidence } from './semantic-evidence.js';

export const MODEL_FORMAT_NAME = 'bottango-natural-intent-model';
export const MODEL_FORMAT_VERSION = 5;

/** First line of a model file (JSON). The body that follows is checked against `bodySha256`. */
export interface ModelFileHeader {
  readonly format: typeof MODEL_FORMAT_NAME;
  readonly version: number;
  /** sha256 of the training data (intents, phrases, out-of-scope ids). */
  readonly dataHash: string;
  /** sha256 of the model options. */
  readonly optionsHash: string;
  readonly bodyBytes: number;
  readonly bodySha256: string;
}

interface ModelMeta {
  readonly classIds: readonly string[];
  readonly outOfScopeIds: readonly string[];
  readonly featureCount: number;
  readonly featureOptions: TextFeatureOptions;
  readonly trainingExamples: number;
  /** Class indexes trained with a phrase without content word (version 4). */
  readonly contentFreeClasses: readonly number[];
}

/** What a model file does not hold and the reader supplies: both follow from data and options the hashes check. */
export interface ModelRebuild {
  /** The reader's calibration (the options hash covers it: the file does not hold one). */
  readonly calibration: ConfidenceCalibration;
  /** The word-vector evidence for a classifier of this many training phrases (none for large ones). */
  semanticFor(trainingExamples: number): SemanticEvidence | undefined;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

function bytesOf(array: Float32Array | Int32Array | Uint16Array | Int8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Serialises a classifier: header line, then `u32 metaLength`, meta JSON, then (little-endian) feature hashes (i32),
 * feature weights (f32), class bias (f32), row scales (f32), row offsets (i32, features + 1), then the kept entries:
 * classes (u16) and int8 weights (sparse rows, feature-major).
 */
export function encodeModel(classifier: NaturalIntentClassifier, dataHash: string, optionsHash: string): Buffer {
  const meta: ModelMeta = {
    classIds: classifier.classIds,
    outOfScopeIds: classifier.outOfScopeIds,
    featureCount: classifier.featurizer.size,
    featureOptions: classifier.featurizer.options,
    trainingExamples: classifier.trainingExamples,
    contentFreeClasses: classifier.contentFreeClasses,
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const metaLength = Buffer.alloc(4);
  metaLength.writeUInt32LE(metaBytes.length);
  const body = Buffer.concat([
    metaLength,
    metaBytes,
    bytesOf(classifier.featurizer.hashes),
    bytesOf(classifier.featurizer.featureWeights),
    bytesOf(classifier.model.bias),
    bytesOf(classifier.model.rowScale),
    bytesOf(classifier.model.rowOffsets),
    bytesOf(classifier.model.classes),
    bytesOf(classifier.model.weights),
  ]);
  const header: ModelFileHeader = {
    format: MODEL_FORMAT_NAME,
    version: MODEL_FORMAT_VERSION,
    dataHash,
    optionsHash,
    bodyBytes: body.length,
    bodySha256: sha256(body),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

function formatError(where: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): BottangoError {
  return new BottangoError(BottangoErrorCode.ModelFormat, message, cause === undefined ? { where, details } : { where, details, cause });
}

/** Reads only the header (cheap), or throws MODEL_FORMAT. */
function decodeModelHeader(file: Buffer, where: string): { readonly header: ModelFileHeader; readonly bodyOffset: number } {
  const newline = file.indexOf(10);
  if (newline < 0 || newline > 4096) throw formatError(where, `not a ${MODEL_FORMAT_NAME} file (no header line)`);
  let header: ModelFileHeader;
  try {
    header = JSON.parse(file.subarray(0, newline).toString('utf8')) as ModelFileHeader;
  } catch (cause) {
    throw formatError(where, `not a ${MODEL_FORMAT_NAME} file (header is not JSON)`, {}, cause);
  }
  if (header.format !== MODEL_FORMAT_NAME) throw formatError(where, `format is ${JSON.stringify(header.format)}, expected ${JSON.stringify(MODEL_FORMAT_NAME)}`, { format: header.format });
  if (header.version !== MODEL_FORMAT_VERSION) {
    throw formatError(where, `format version ${String(header.version)} is not supported (this build reads version ${MODEL_FORMAT_VERSION}); retrain the model`, { version: header.version });
  }
  return { header, bodyOffset: newline + 1 };
}

/**
 * Decodes a model file, checking format, version, expected hashes and body checksum; throws MODEL_FORMAT. The
 * calibration and the word-vector evidence come from `rebuild`, not from the file.
 */
export function decodeModel(file: Buffer, where: string, expected: { readonly dataHash: string; readonly optionsHash: string }, rebuild: ModelRebuild): NaturalIntentClassifier {
  const { header, bodyOffset } = decodeModelHeader(file, where);
  if (header.dataHash !== expected.dataHash) throw formatError(where, 'model was trained on different data (dataHash mismatch)', { expected: expected.dataHash, found: header.dataHash });
  if (header.optionsHash !== expected.optionsHash) throw formatError(where, 'model was trained with different options (optionsHash mismatch)', { expected: expected.optionsHash, found: header.optionsHash });
  const body = file.subarray(bodyOffset);
  if (body.length !== header.bodyBytes || sha256(body) !== header.bodySha256) {
    throw formatError(where, `model body is corrupt (${body.length} bytes, header says ${header.bodyBytes}; checksum ${sha256(body) === header.bodySha256 ? 'ok' : 'mismatch'})`);
  }
  try {
    const metaLength = body.readUInt32LE(0);
    const meta = JSON.parse(body.subarray(4, 4 + metaLength).toString('utf8')) as ModelMeta;
    let offset = 4 + metaLength;
    const take = <T extends Float32Array | Int32Array | Uint16Array | Int8Array>(Type: { new (length: number): T; readonly BYTES_PER_ELEMENT: number }, count: number): T => {
      const byteLength = count * Type.BYTES_PER_ELEMENT;
      const bytes = body.subarray(offset, offset + byteLength);
      if (bytes.length !== byteLength) throw new Error(`body ends early at byte ${offset}`);
      offset += byteLength;
      const out = new Type(count);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    };
    const featureCount = meta.featureCount;
    const classCount = meta.classIds.length;
    const hashes = take(Int32Array, featureCount);
    const featureWeights = take(Float32Array, featureCount);
    const bias = take(Float32Array, classCount);
    const rowScale = take(Float32Array, featureCount);
    const rowOffsets = take(Int32Array, featureCount + 1);
    const entries = rowOffsets[featureCount] as number;
    for (let f = 0; f < featureCount; f++) {
      if ((rowOffsets[f] as number) > (rowOffsets[f + 1] as number)) throw new Error(`row offsets decrease at feature ${f}`);
    }
    if (rowOffsets[0] !== 0) throw new Error('row offsets do not start at 0');
    const classes = take(Uint16Array, entries);
    for (let k = 0; k < entries; k++) if ((classes[k] as number) >= classCount) throw new Error(`class ${classes[k]} out of range at entry ${k}`);
    const weights = take(Int8Array, entries);
    if (offset !== body.length) throw new Error(`${body.length - offset} bytes left after the weights`);
    const featurizer = new TextFeaturizer(meta.featureOptions, hashes, featureWeights);
    return new NaturalIntentClassifier(
      featurizer,
      new SoftmaxModel(classCount, rowOffsets, classes, weights, rowScale, bias),
      meta.classIds,
      meta.outOfScopeIds,
      rebuild.calibration,
      meta.trainingExamples,
      meta.contentFreeClasses,
      rebuild.semanticFor(meta.trainingExamples),
    );
  } catch (cause) {
    throw formatError(where, 'model body cannot be decoded', {}, cause);
  }
}

