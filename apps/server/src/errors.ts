import { BottangoError, BottangoErrorCode } from '@bottango/core';

/** Error codes the server adds to Bottango's own (a BottangoError keeps its code in the response). */
export const ServerErrorCode = {
  InvalidJson: 'INVALID_JSON',
  InvalidBody: 'INVALID_BODY',
  MissingField: 'MISSING_FIELD',
  InvalidField: 'INVALID_FIELD',
  UnknownField: 'UNKNOWN_FIELD',
  ForbiddenField: 'FORBIDDEN_FIELD',
  MessageTooLong: 'MESSAGE_TOO_LONG',
  NotFound: 'NOT_FOUND',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  Unauthorized: 'UNAUTHORIZED',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  TooManyConversations: 'TOO_MANY_CONVERSATIONS',
  TooManyStreams: 'TOO_MANY_STREAMS',
  RequestTimeout: 'REQUEST_TIMEOUT',
  NotReady: 'NOT_READY',
  ShuttingDown: 'SHUTTING_DOWN',
  Internal: 'INTERNAL_ERROR',
} as const;

export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** The body of every error response: `{ "error": { … } }`. */
export interface ErrorResponseBody {
  readonly error: {
    /** A `ServerErrorCode` or a `BottangoErrorCode`. */
    readonly code: string;
    readonly message: string;
    /** The request field that was wrong. */
    readonly field?: string;
    /** The value received for `field` (only a string, number, boolean or null; left out otherwise). */
    readonly value?: unknown;
  };
}

/** An error that becomes one HTTP response. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { readonly field?: string; readonly value?: unknown; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
  }
}

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

interface FrameworkError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
  readonly validation?: readonly AjvError[];
  readonly validationContext?: string;
}

/** BottangoError codes that mean "a backend is down": the request may work later. */
const UNAVAILABLE = new Set<string>([BottangoErrorCode.StoreUnavailable, BottangoErrorCode.StoreClosed, BottangoErrorCode.TransportUnavailable]);

/** Turns anything thrown in a request into a status and the `{error}` body; `get` reads the request's value at a path. */
export function toErrorResponse(error: unknown, get: (context: string, path: string) => unknown, limits: { bodyLimitBytes: number; maxMessageChars: number }, contentType?: string): { status: number; body: ErrorResponseBody; headers?: Readonly<Record<string, string>> } {
  if (error instanceof ApiError) {
    const { field, value, headers } = error.extra;
    return { status: error.statusCode, body: { error: { code: error.code, message: error.message, ...(field !== undefined ? { field } : {}), ...(echoable(value) ? { value } : {}) } }, ...(headers ? { headers } : {}) };
  }
  if (BottangoError.is(error)) {
    const status = UNAVAILABLE.has(error.code) ? 503 : error.code === BottangoErrorCode.SettleTimeout ? 504 : error.code === BottangoErrorCode.UnknownConversation || error.code === BottangoErrorCode.UnknownBot ? 404 : error.code === BottangoErrorCode.VersionConflict ? 409 : 500;
    return { status, body: { error: { code: error.code, message: error.message } } };
  }
  const e = (error ?? {}) as FrameworkError;
  if (e.validation && e.validation.length > 0) return { status: 400, body: fromValidation(e.validation[0] as AjvError, e.validationContext ?? 'body', get, limits) };
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: { code: ServerErrorCode.InvalidJson, message: 'the request body is not valid JSON' } } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error: { code: ServerErrorCode.InvalidBody, message: 'the request body is empty; send a JSON object' } } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: { code: ServerErrorCode.PayloadTooLarge, message: `the request body is larger than the limit of ${limits.bodyLimitBytes} bytes (bodyLimitBytes)` } } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: { code: ServerErrorCode.UnsupportedMediaType, message: `the request body must be JSON (Content-Type: application/json); got Content-Type ${JSON.stringify(contentType ?? '')}` } } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error: { code: ServerErrorCode.InvalidBody, message: 'the request body size did not match its Content-Length' } } };
    default:
      break;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: { code: typeof e.code === 'string' && !e.code.startsWith('FST_') ? e.code : 'BAD_REQUEST', message: e.message } } };
  }
  return { status: 500, body: { error: { code: ServerErrorCode.Internal, message: 'internal error (logged with the request id)' } } };
}

function fromValidation(v: AjvError, context: string, get: (context: string, path: string) => unknown, limits: { maxMessageChars: number }): ErrorResponseBody {
  const where = context === 'body' ? 'field' : context === 'querystring' ? 'query parameter' : 'parameter';
  const path = v.instancePath.split('/').filter((s) => s !== '');
  if (v.keyword === 'required') {
    const field = String(v.params.missingProperty);
    return { error: { code: ServerErrorCode.MissingField, message: `${where} "${field}" is required`, field } };
  }
  if (v.keyword === 'additionalProperties') {
    const field = String(v.params.additionalProperty);
    return { error: { code: ServerErrorCode.UnknownField, message: `unknown ${where} "${field}"`, field } };
  }
  if (v.keyword === 'minProperties') {
    return { error: { code: ServerErrorCode.MissingField, message: 'send at least one field', field: '' } };
  }
  const value = get(context, v.instancePath);
  if (path.length === 0) {
    return { error: { code: ServerErrorCode.InvalidBody, message: `the request ${context === 'body' ? 'body' : context} must be a JSON object, got ${describe(value)}` } };
  }
  const field = path.join('.');
  const withValue = echoable(value) ? { value } : {};
  if (v.keyword === 'maxLength' && field === 'text') {
    return { error: { code: ServerErrorCode.MessageTooLong, message: `field "text" is ${typeof value === 'string' ? value.length : '?'} characters; the limit is ${limits.maxMessageChars} (maxMessageChars)`, field } };
  }
  if (v.keyword === 'minLength' || v.keyword === 'pattern') {
    return { error: { code: ServerErrorCode.InvalidField, message: `${where} "${field}" must not be empty`, field, ...withValue } };
  }
  if (v.keyword === 'type') {
    return { error: { code: ServerErrorCode.InvalidField, message: `${where} "${field}" must be ${article(String(v.params.type))}, got ${describe(value)}`, field, ...withValue } };
  }
  return { error: { code: ServerErrorCode.InvalidField, message: `${where} "${field}" ${v.message ?? 'is not valid'}`, field, ...withValue } };
}

function article(type: string): string {
  return type === 'boolean' ? 'true or false' : type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

/** Only short scalars go back to the client: never a whole (possibly deeply nested or huge) value. */
function echoable(value: unknown): boolean {
  return value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 200);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length <= 60 ? `a string (${JSON.stringify(value)})` : `a string of ${value.length} characters`;
  return `a ${typeof value} (${String(value)})`;
}
