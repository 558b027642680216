import { BottangoError, BottangoErrorCode } from '@bottango/core';

/** Error codes the server adds to Bottango's own (a BottangoError keeps its code in the response). */
export const ServerErrorCode = {
  InvalidJson: 'INVALID_JSON',
  InvalidBody: 'INVALID_BODY',
  MissingField: 'MISSING_FIELD',
  InvalidField: 'INVALID_FIELD',
  UnknownField: 'UNKNOWN_FIELD',
  InvalidPath: 'INVALID_PATH',
  NotFound: 'NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
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
    /** The value received for `field` (left out when it was absent). */
    readonly value?: unknown;
  };
}

/** An error that becomes one HTTP response. Only the server throws and catches it. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { readonly field?: string; readonly value?: unknown; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
  }

  toBody(): ErrorResponseBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.field !== undefined ? { field: this.extra.field } : {}),
        ...('value' in this.extra && this.extra.value !== undefined ? { value: this.extra.value } : {}),
      },
    };
  }
}

/** HTTP status of a BottangoError code; codes not listed are 500. */
const STATUS_BY_BOTTANGO_CODE: Partial<Record<BottangoErrorCode, number>> = {
  [BottangoErrorCode.UnknownBot]: 404,
  [BottangoErrorCode.UnknownConversation]: 404,
  [BottangoErrorCode.InvalidConfiguration]: 400,
  [BottangoErrorCode.VersionConflict]: 409,
  [BottangoErrorCode.StoreUnavailable]: 503,
  [BottangoErrorCode.StoreClosed]: 503,
};

export function statusOfBottangoError(error: BottangoError): number {
  return STATUS_BY_BOTTANGO_CODE[error.code] ?? 500;
}

/** Any thrown value as an HttpError: HttpErrors as they are, BottangoErrors with their code, anything else a 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (BottangoError.is(error)) {
    const field = typeof error.details['field'] === 'string' ? error.details['field'] : undefined;
    return new HttpError(statusOfBottangoError(error), error.code, error.message, {
      ...(field !== undefined ? { field, value: error.details['value'] } : {}),
    });
  }
  return new HttpError(500, ServerErrorCode.Internal, 'internal server error (logged on the server)');
}

/** `a number (42)`, `a string ("hi")`, `null`, `an array`, `an object`: what a request gave, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)})`;
    case 'number':
      return `a number (${String(value)})`;
    case 'boolean':
      return `a boolean (${String(value)})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** The value to echo back in an error: small values as they are, large ones as a short description. */
export function echoValue(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json !== undefined && json.length <= 200 ? value : describeValue(value);
}
