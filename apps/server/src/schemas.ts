import { Type } from 'typebox';

export { Type, type Static } from 'typebox';

/** JSON schemas of every route (TypeBox): requests are validated with them, responses serialised, /docs built. */
const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      value: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error', description: 'Every error: a code, a message, and the request field (and its value, when short) that was wrong.' },
);

export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
} as const;

const AgentStatusSchema = Type.Object({ connected: Type.Boolean(), acceptsTransfers: Type.Boolean() });

export const BotSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  skills: Type.Array(Type.String()),
  group: Type.Optional(Type.String()),
  status: AgentStatusSchema,
});

export const BotParams = Type.Object({ botId: Type.String() });
export const ConversationParams = Type.Object({ id: Type.String({ maxLength: 256 }) });

export const StatusUpdate = Type.Object(
  { connected: Type.Optional(Type.Boolean()), acceptsTransfers: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export const StatusBody = Type.Object({ botId: Type.String(), status: AgentStatusSchema });

export const StartRequest = Type.Object(
  {
    botId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export const StartReply = Type.Object({ conversationId: Type.String(), botId: Type.String(), userId: Type.String(), token: Type.String() });

export function messageRequest(maxMessageChars: number) {
  return Type.Object({ text: Type.String({ minLength: 1, maxLength: maxMessageChars, pattern: '\\S' }) }, { additionalProperties: false });
}

/** A ConversationEvent (see `@bottango/core`); its fields depend on `type`. */
export const EventSchema = Type.Object({ type: Type.String(), conversationId: Type.String() }, { additionalProperties: true });
export const EventsReply = Type.Object({ events: Type.Array(EventSchema) });

export const ConversationReply = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    ownerBotId: Type.String(),
    dialogStack: Type.Array(Type.Unknown()),
    variables: Type.Record(Type.String(), Type.Unknown()),
    transcript: Type.Array(Type.Unknown()),
    turns: Type.Number(),
    escalationFailures: Type.Number(),
  },
  { additionalProperties: true },
);

export const ConversationList = Type.Object({
  conversations: Type.Array(Type.Object({ conversationId: Type.String(), botId: Type.String(), userId: Type.String(), client: Type.String(), openedAt: Type.String(), lastActiveAt: Type.String() })),
});

const Namespaces = Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()));
/** `namespaces`: the conversation scope; `userNamespaces`: the user scope of the conversation's user. */
export const ContextReply = Type.Object({ conversationId: Type.String(), userId: Type.String(), namespaces: Namespaces, userNamespaces: Namespaces });

export const EventsQuery = Type.Object({ access_token: Type.Optional(Type.String()), lastEventId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });

export const HealthReply = Type.Object({ status: Type.Literal('ok') });
export const ReadyReply = Type.Object({
  status: Type.String(),
  checks: Type.Record(Type.String(), Type.String()),
});
