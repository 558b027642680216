import { BottangoError, BottangoErrorCode, TransferFailureReason, type TransferRequest } from '@bottango/core';

/** What an inbox or skill stream entry asks of a bot agent. */
export type StreamEntry =
  | { readonly kind: 'message'; readonly conversationId: string; readonly seq: number; readonly text: string }
  | { readonly kind: 'failed'; readonly conversationId: string; readonly transferId: string; readonly reason: TransferFailureReason; readonly message: string }
  | { readonly kind: 'transfer'; readonly request: TransferRequest };

const REASONS = new Set<string>(Object.values(TransferFailureReason));

/** A stream entry's `[field, value, …]` list as a record. */
export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  return record;
}

/** Reads an entry's fields; an entry no Bottango process wrote fails with INVALID_VALUE naming the stream, ID and field. */
export function decodeEntry(stream: string, id: string, fields: readonly string[]): StreamEntry {
  const record = fieldsToRecord(fields);
  const fail = (field: string, why: string): never => {
    throw new BottangoError(BottangoErrorCode.InvalidValue, `entry ${id} of stream ${stream}: field "${field}" ${why}, got ${JSON.stringify(record[field])}`, {
      details: { stream, id, field, value: record[field] },
    });
  };
  const text = (field: string): string => (typeof record[field] === 'string' && record[field] !== '' ? (record[field] as string) : fail(field, 'is missing'));
  switch (record['kind']) {
    case 'message': {
      const seq = Number(record['seq']);
      if (!Number.isSafeInteger(seq) || seq < 1) fail('seq', 'is not a positive whole number');
      return { kind: 'message', conversationId: text('conversation'), seq, text: record['text'] ?? '' };
    }
    case 'failed': {
      const reason = text('reason');
      if (!REASONS.has(reason)) fail('reason', `is not one of ${[...REASONS].join(', ')}`);
      return { kind: 'failed', conversationId: text('conversation'), transferId: text('transfer'), reason: reason as TransferFailureReason, message: record['message'] ?? '' };
    }
    case 'transfer': {
      let request: unknown;
      try {
        request = JSON.parse(text('request'));
      } catch {
        return fail('request', 'is not JSON');
      }
      const r = request as Partial<TransferRequest>;
      for (const field of ['transferId', 'conversationId', 'fromBotId', 'skill'] as const) {
        if (typeof r[field] !== 'string' || r[field] === '') fail('request', `has no ${field}`);
      }
      if (!Array.isArray(r.transcript)) fail('request', 'has no transcript');
      return { kind: 'transfer', request: request as TransferRequest };
    }
    default:
      return fail('kind', 'is not message, failed or transfer');
  }
}

/** The deadline-set member of a submitted transfer (same text whenever it is made, so it can be removed). */
export function deadlineMember(request: Pick<TransferRequest, 'transferId' | 'conversationId' | 'fromBotId' | 'skill'>): string {
  return JSON.stringify({ transferId: request.transferId, conversationId: request.conversationId, fromBotId: request.fromBotId, skill: request.skill });
}
