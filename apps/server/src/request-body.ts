import type { IncomingMessage } from 'node:http';
import { HttpError, ServerErrorCode, describeValue, echoValue } from './http-error.js';

export type JsonObjectBody = Readonly<Record<string, unknown>>;

/**
 * Reads a JSON object body: 415 unless the Content-Type is application/json (UTF-8), 413 over `limitBytes`
 * (from Content-Length before reading, else while reading), 400 when it is not JSON or not an object.
 */
export async function readJsonObject(req: IncomingMessage, limitBytes: number): Promise<JsonObjectBody> {
  checkContentType(req.headers['content-type']);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes, `${declared} bytes`);
  const text = await readText(req, limitBytes);
  if (text.trim() === '') throw new HttpError(400, ServerErrorCode.InvalidBody, 'the request body is empty; send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, ServerErrorCode.InvalidJson, `the request body is not valid JSON: ${jsonErrorWhere(text, error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, ServerErrorCode.InvalidBody, `the request body must be a JSON object, got ${describeValue(parsed)}`, { value: echoValue(parsed) });
  }
  return parsed as JsonObjectBody;
}

function checkContentType(header: string | undefined): void {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  const got = header === undefined ? 'no Content-Type' : `Content-Type "${header}"`;
  throw new HttpError(415, ServerErrorCode.UnsupportedMediaType, `the request body must be JSON (Content-Type: application/json, UTF-8); got ${got}`, {
    headers: { Accept: 'application/json' },
  });
}

function tooLarge(limitBytes: number, got: string): HttpError {
  return new HttpError(413, ServerErrorCode.PayloadTooLarge, `the request body is ${got}; the limit is ${limitBytes} bytes`, { headers: { Connection: 'close' } });
}

function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        // Keep reading (and dropping) the rest, so the client can read the 413 before the connection closes.
        chunks.length = 0;
        reject(tooLarge(limitBytes, `more than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    let ended = false;
    req.once('end', () => {
      ended = true;
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // A client that leaves mid-body must not hold up the requests queued behind it.
    const gone = (error?: Error): void => {
      if (ended || failed) return;
      failed = true;
      reject(error ?? new Error('the client closed the connection before the whole body arrived'));
    };
    req.once('error', gone);
    req.once('close', () => gone());
  });
}

/** JSON.parse's message, plus the line and column when it gives a position. */
function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /at position (\d+)/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** A required string field (non-empty unless `allowEmpty`). */
export function requireString(body: JsonObjectBody, field: string): string {
  const value = body[field];
  if (value === undefined) throw new HttpError(400, ServerErrorCode.MissingField, `field "${field}" is required (a non-empty string)`, { field });
  return checkString(value, field);
}

export function optionalString(body: JsonObjectBody, field: string): string | undefined {
  const value = body[field];
  return value === undefined ? undefined : checkString(value, field);
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new HttpError(400, ServerErrorCode.InvalidField, `field "${field}" must be a string, got ${describeValue(value)}`, { field, value: echoValue(value) });
  }
  if (value.trim() === '') throw new HttpError(400, ServerErrorCode.InvalidField, `field "${field}" must not be empty`, { field, value });
  return value;
}

export function optionalBoolean(body: JsonObjectBody, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new HttpError(400, ServerErrorCode.InvalidField, `field "${field}" must be true or false, got ${describeValue(value)}`, { field, value: echoValue(value) });
}

/** Refuses fields the endpoint does not know (a typo like "userID" should not pass silently). */
export function refuseUnknownFields(body: JsonObjectBody, known: readonly string[]): void {
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown !== undefined) {
    throw new HttpError(400, ServerErrorCode.UnknownField, `unknown field "${unknown}" (fields: ${known.join(', ')})`, { field: unknown, value: echoValue(body[unknown]) });
  }
}
