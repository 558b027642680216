/** Every error code Bottango raises, in one table. */
export const BottangoErrorCode = {
  InvalidDefinition: 'INVALID_DEFINITION',
  InvalidPattern: 'INVALID_PATTERN',
  UnknownBot: 'UNKNOWN_BOT',
  UnknownConversation: 'UNKNOWN_CONVERSATION',
  UnknownSkill: 'UNKNOWN_SKILL',
  TransferLoop: 'TRANSFER_LOOP',
  TransferFailed: 'TRANSFER_FAILED',
  InvalidNamespace: 'INVALID_NAMESPACE',
  ReservedNamespace: 'RESERVED_NAMESPACE',
  NamespaceNotRegistered: 'NAMESPACE_NOT_REGISTERED',
  InvalidKey: 'INVALID_KEY',
  InvalidValue: 'INVALID_VALUE',
  ValueTooLarge: 'VALUE_TOO_LARGE',
  VersionConflict: 'VERSION_CONFLICT',
  StoreUnavailable: 'STORE_UNAVAILABLE',
  StoreClosed: 'STORE_CLOSED',
  TransportUnavailable: 'TRANSPORT_UNAVAILABLE',
  InvalidConfiguration: 'INVALID_CONFIGURATION',
  PluginLoadFailed: 'PLUGIN_LOAD_FAILED',
  ModelFormat: 'MODEL_FORMAT',
  ScriptFailed: 'SCRIPT_FAILED',
  DialogLoop: 'DIALOG_LOOP',
  MessageFailed: 'MESSAGE_FAILED',
  SettleTimeout: 'SETTLE_TIMEOUT',
  InvalidDataset: 'INVALID_DATASET',
} as const;

export type BottangoErrorCode = (typeof BottangoErrorCode)[keyof typeof BottangoErrorCode];

const brand = Symbol.for('@bottango/core/BottangoError');

export interface BottangoErrorOptions {
  readonly cause?: unknown;
  /** Where the problem is: a file, a path inside it, a bot, a namespace… */
  readonly where?: string;
  /** Extra machine-readable facts (field, value, limit…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The one error class of Bottango. Check with `BottangoError.is(e)`, never `instanceof` (several copies may be loaded). */
export class BottangoError extends Error {
  readonly [brand] = true;
  override readonly name = 'BottangoError';
  readonly code: BottangoErrorCode;
  readonly where: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: BottangoErrorCode, message: string, options: BottangoErrorOptions = {}) {
    super(options.where ? `${options.where}: ${message}` : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
    this.details = options.details ?? {};
  }

  static is(value: unknown, code?: BottangoErrorCode): value is BottangoError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true && (code === undefined || (value as BottangoError).code === code);
  }
}
