import type { ConversationEvent } from '@bottango/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ConsoleApi, ConsoleApiError, type BotInfo, type ContextEntries, type ConversationSummary, type OpenedConversation } from './api.js';
import { ConversationEventLog } from './event-log.js';
import { ConversationStream, type StreamStatus } from './stream.js';
import { buildTimeline, describeSystemCommand, describeTangoContext, ESCALATION_FAILED, type Timeline, type TimelineItem } from './timeline.js';

const OPERATOR_KEY_STORAGE = 'bottango.console.operatorKey';

interface ContextView {
  readonly entries?: ContextEntries;
  readonly summary?: ConversationSummary;
  readonly unavailable?: string;
  readonly error?: string;
}

function describeError(error: unknown): string {
  return error instanceof ConsoleApiError ? error.describe() : String(error);
}

const CONVERSATION_STORAGE = 'bottango.console.conversation';

function readSavedConversation(): OpenedConversation | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CONVERSATION_STORAGE) ?? 'null') as Partial<OpenedConversation> | null;
    if (!saved || typeof saved.conversationId !== 'string' || typeof saved.botId !== 'string' || typeof saved.userId !== 'string') return undefined;
    return {
      conversationId: saved.conversationId,
      botId: saved.botId,
      userId: saved.userId,
      ...(typeof saved.token === 'string' ? { token: saved.token } : {}),
    };
  } catch {
    return undefined;
  }
}

function saveConversation(opened: OpenedConversation | undefined): void {
  try {
    if (opened) sessionStorage.setItem(CONVERSATION_STORAGE, JSON.stringify(opened));
    else sessionStorage.removeItem(CONVERSATION_STORAGE);
  } catch {
    // Storage may be off: a reload then starts a new conversation.
  }
}

function readOperatorKey(): string {
  try {
    return sessionStorage.getItem(OPERATOR_KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function App({ api }: { api: ConsoleApi }) {
  const [bots, setBots] = useState<readonly BotInfo[]>([]);
  const [botsError, setBotsError] = useState<string>();
  const [startBot, setStartBot] = useState<string>('');
  const [conversation, setConversation] = useState<OpenedConversation>();
  const [events, setEvents] = useState<readonly ConversationEvent[]>([]);
  const [streamStatus, setStreamStatus] = useState<StreamStatus>('closed');
  const [chatError, setChatError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [draft, setDraft] = useState('');
  const [context, setContext] = useState<ContextView>({});
  const [operatorKey, setOperatorKey] = useState(readOperatorKey);
  const [operatorError, setOperatorError] = useState<string>();
  const [operatorNote, setOperatorNote] = useState<string>();
  const logRef = useRef<ConversationEventLog>(new ConversationEventLog());
  const streamRef = useRef<ConversationStream | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);
  const chatEndRef = useRef<HTMLDivElement>(null);

  const loadBots = useCallback(async (key: string = operatorKey): Promise<readonly BotInfo[]> => {
    try {
      const list = await api.listBots(key || undefined);
      setBots(list);
      setBotsError(undefined);
      return list;
    } catch (error) {
      setBotsError(describeError(error));
      return [];
    }
  }, [api, operatorKey]);

  const refreshContext = useCallback(
    async (opened: OpenedConversation) => {
      const [summary, entries] = await Promise.allSettled([
        api.getConversation(opened.conversationId, opened.token),
        api.getContext(opened.conversationId, opened.token),
      ]);
      const view: { entries?: ContextEntries; summary?: ConversationSummary; unavailable?: string; error?: string } = {};
      if (summary.status === 'fulfilled') view.summary = summary.value;
      if (entries.status === 'fulfilled') view.entries = entries.value;
      else if (entries.reason instanceof ConsoleApiError && (entries.reason.code === 'NOT_FOUND' || entries.reason.code === 'HTTP_404'))
        view.unavailable = 'This server does not offer the Context Session Store entries (GET /conversations/:id/context).';
      else view.error = describeError(entries.reason);
      setContext(view);
    },
    [api],
  );

  const addEvents = useCallback((source: 'stream' | 'reply', incoming: readonly ConversationEvent[]) => {
    if (logRef.current.add(source, incoming).length > 0) setEvents([...logRef.current.events]);
  }, []);

  /** Shows `opened` and follows its events; `resumeFrom` replays the stream from that event ID (a reloaded page). */
  const attachConversation = useCallback(
    (opened: OpenedConversation, resumeFrom = '') => {
      streamRef.current?.close();
      logRef.current = new ConversationEventLog();
      setEvents([]);
      setContext({});
      setConversation(opened);
      saveConversation(opened);
      const stream = new ConversationStream((lastEventId) => api.eventsUrl(opened.conversationId, opened.token, lastEventId), {
        onEvent: (event) => addEvents('stream', [event]),
        onStatus: setStreamStatus,
      });
      stream.lastEventId = resumeFrom;
      streamRef.current = stream;
      stream.open();
      void refreshContext(opened);
    },
    [api, addEvents, refreshContext],
  );

  const openConversation = useCallback(
    async (botId: string) => {
      setChatError(undefined);
      try {
        attachConversation(await api.openConversation(botId));
      } catch (error) {
        streamRef.current?.close();
        streamRef.current = undefined;
        setConversation(undefined);
        setChatError(describeError(error));
      }
    },
    [api, attachConversation],
  );

  useEffect(() => {
    void (async () => {
      const list = await loadBots();
      // A reloaded page goes on with its conversation (this tab's), its events replayed from the start.
      const saved = readSavedConversation();
      if (saved) {
        try {
          await api.getConversation(saved.conversationId, saved.token);
          setStartBot(saved.botId);
          attachConversation(saved, '0');
          return;
        } catch {
          saveConversation(undefined);
        }
      }
      const wanted = new URLSearchParams(location.search).get('bot');
      const first = list.find((b) => b.id === wanted) ?? list.find((b) => b.id === 'concierge') ?? list[0];
      if (first) {
        setStartBot(first.id);
        await openConversation(first.id);
      }
    })();
    return () => streamRef.current?.close();
    // Runs once: the first conversation starts with the page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chatEndRef.current?.scrollIntoView?.({ block: 'end' });
  }, [events.length]);

  const send = async (e: Event) => {
    e.preventDefault();
    const text = draft.trim();
    if (!conversation || sending) return;
    if (text === '') {
      setChatError('Type a message first.');
      inputRef.current?.focus();
      return;
    }
    setSending(true);
    setChatError(undefined);
    try {
      const reply = await api.sendMessage(conversation.conversationId, conversation.token, text);
      addEvents('reply', reply);
      setDraft('');
      void refreshContext(conversation);
      void loadBots(operatorKey);
    } catch (error) {
      setChatError(describeError(error));
    } finally {
      setSending(false);
      inputRef.current?.focus();
    }
  };

  const setConnected = async (bot: BotInfo, connected: boolean) => {
    setOperatorError(undefined);
    try {
      await api.setBotConnected(bot.id, connected, operatorKey || undefined);
      setOperatorNote(`${bot.name ?? bot.id} is now ${connected ? 'online' : 'offline'}.`);
      await loadBots(operatorKey);
    } catch (error) {
      setOperatorError(describeError(error));
    }
  };

  const saveOperatorKey = (value: string) => {
    setOperatorKey(value);
    try {
      if (value) sessionStorage.setItem(OPERATOR_KEY_STORAGE, value);
      else sessionStorage.removeItem(OPERATOR_KEY_STORAGE);
    } catch {
      // Storage may be off (private mode): the key then lasts as long as the page.
    }
  };

  const timeline = useMemo(() => buildTimeline(conversation?.botId ?? startBot, events), [conversation, startBot, events]);
  const names = useMemo(() => new Map(bots.map((b) => [b.id, b.name ?? b.id])), [bots]);
  const nameOf = (id: string) => names.get(id) ?? id;

  return (
    <>
      <a
        class="skip"
        href="#message"
        onClick={(e) => {
          e.preventDefault();
          inputRef.current?.focus();
        }}
      >
        Skip to the message box
      </a>
      <header class="top">
        <h1>Bottango console</h1>
        <div class="stream" role="status" aria-live="polite">
          <span class={`dot dot-${streamStatus}`} aria-hidden="true" />
          <span class="stream-text">Event stream: {streamLabel(streamStatus)}</span>
        </div>
        <button type="button" class="secondary" onClick={() => streamRef.current?.reconnect()} disabled={!conversation}>
          Reconnect stream
        </button>
      </header>
      <main class="layout">
        <section class="panel chat" aria-labelledby="chat-title">
          <h2 id="chat-title">Chat</h2>
          <form
            class="new-conversation"
            onSubmit={(e) => {
              e.preventDefault();
              void openConversation(startBot);
            }}
          >
            <label for="start-bot">Start with</label>
            <select id="start-bot" value={startBot} onChange={(e) => setStartBot((e.target as HTMLSelectElement).value)}>
              {bots.map((b) => (
                <option value={b.id}>{b.name ?? b.id}</option>
              ))}
            </select>
            <button type="submit" class="secondary" disabled={!startBot}>
              New conversation
            </button>
          </form>
          <p class="held-by">
            {conversation ? (
              <>
                Held by <strong>{nameOf(timeline.holder)}</strong>
              </>
            ) : (
              'No conversation yet.'
            )}
          </p>
          <div class="messages" role="log" aria-live="polite" aria-label="Messages" tabIndex={0}>
            <ol>
              {events.map((event) => (
                <ChatLine event={event} nameOf={nameOf} />
              ))}
            </ol>
            <div ref={chatEndRef} class="end" />
          </div>
          {chatError && (
            <p class="error" role="alert">
              {chatError}
            </p>
          )}
          <form class="composer" onSubmit={send}>
            <label for="message">Message</label>
            <div class="composer-row">
              <input
                id="message"
                ref={inputRef}
                type="text"
                autocomplete="off"
                value={draft}
                onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
                disabled={!conversation}
              />
              <button type="submit" disabled={!conversation || sending}>
                {sending ? 'Sending…' : 'Send'}
              </button>
            </div>
          </form>
        </section>

        <section class="panel timeline" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <TimelineView timeline={timeline} nameOf={nameOf} />
        </section>

        <div class="side">
          <section class="panel context" aria-labelledby="context-title">
            <h2 id="context-title">Context Session Store</h2>
            <ContextPanel view={context} />
            <button type="button" class="secondary" disabled={!conversation} onClick={() => conversation && void refreshContext(conversation)}>
              Refresh context
            </button>
          </section>

          <section class="panel operator" aria-labelledby="operator-title">
            <h2 id="operator-title">Operator</h2>
            <label for="operator-key">Operator API key (kept for this tab only)</label>
            <input
              id="operator-key"
              type="password"
              autocomplete="off"
              value={operatorKey}
              onInput={(e) => saveOperatorKey((e.target as HTMLInputElement).value)}
              onChange={(e) => void loadBots((e.target as HTMLInputElement).value)}
            />
            {botsError && (
              <p class="error" role="alert">
                {botsError}
              </p>
            )}
            {operatorError && (
              <p class="error" role="alert">
                {operatorError}
              </p>
            )}
            <p class="note" role="status" aria-live="polite">
              {operatorNote ?? ''}
            </p>
            <ul class="bots" aria-label="Bot agents">
              {bots.map((bot) => (
                <li class="bot" data-bot={bot.id}>
                  <div>
                    <strong>{bot.name ?? bot.id}</strong> <span class="skills">skills: {bot.skills.join(', ')}</span>
                    <div class={`state ${bot.status.connected ? 'online' : 'offline'}`}>
                      {bot.status.connected ? 'Online' : 'Offline'}
                      {bot.status.connected && !bot.status.acceptsTransfers ? ', refusing transfers' : ''}
                    </div>
                  </div>
                  <button type="button" class="secondary" onClick={() => void setConnected(bot, !bot.status.connected)}>
                    {bot.status.connected ? `Take ${bot.name ?? bot.id} offline` : `Bring ${bot.name ?? bot.id} online`}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </main>
    </>
  );
}

function streamLabel(status: StreamStatus): string {
  switch (status) {
    case 'live':
      return 'live';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return 'reconnecting…';
    case 'closed':
      return 'not connected';
  }
}

function ChatLine({ event, nameOf }: { event: ConversationEvent; nameOf: (id: string) => string }) {
  switch (event.type) {
    case 'user-message':
      if (event.system)
        return (
          <li class={`line system${event.text === ESCALATION_FAILED ? ' escalation-failed' : ''}`}>
            Platform to bot: <code>{event.text}</code>
          </li>
        );
      return (
        <li class="line user">
          <span class="who">You</span>
          <span class="text">{event.text}</span>
        </li>
      );
    case 'bot-message':
      return (
        <li class="line bot" data-bot={event.botId}>
          <span class="who">{nameOf(event.botId)}</span>
          <span class="text">{event.text}</span>
        </li>
      );
    case 'transfer':
      return (
        <li class="line notice transfer">
          Transferred from {nameOf(event.fromBotId)} to {nameOf(event.toBotId)} (skill {event.toSkill}; Tango Context: {describeTangoContext(event.context)})
        </li>
      );
    case 'transfer-failed':
      return (
        <li class="line notice failed">
          Transfer to skill {event.toSkill} failed ({event.stage}, {event.reason})
        </li>
      );
    case 'disambiguation':
      return (
        <li class="line notice">
          {nameOf(event.botId)} is not sure which you mean: {event.options.map((o) => o.name).join(' or ')}
        </li>
      );
    case 'system-command':
      return (
        <li class="line notice">
          {nameOf(event.botId)} {describeSystemCommand(event)}
        </li>
      );
    default:
      return null;
  }
}

function TimelineView({ timeline, nameOf }: { timeline: Timeline; nameOf: (id: string) => string }) {
  if (timeline.items.length === 0) return <p class="empty">Nothing yet: send a message and each bot that holds the conversation gets a lane here.</p>;
  const columns = { '--lanes': String(timeline.lanes.length) } as Record<string, string>;
  return (
    <div class="tl" style={columns}>
      <div class="tl-lanes" aria-hidden="true">
        {timeline.lanes.map((botId, i) => (
          <div class={`tl-lane-head${botId === timeline.holder ? ' holder' : ''}`} style={{ gridColumn: String(i + 1) }}>
            {nameOf(botId)}
          </div>
        ))}
      </div>
      <ol class="tl-items" aria-label={`Conversation timeline, lanes: ${timeline.lanes.map(nameOf).join(', ')}`}>
        {timeline.items.map((item) => (
          <TimelineRow item={item} nameOf={nameOf} lanes={timeline.lanes} />
        ))}
      </ol>
    </div>
  );
}

function TimelineRow({ item, nameOf, lanes }: { item: TimelineItem; nameOf: (id: string) => string; lanes: readonly string[] }) {
  if (item.kind === 'transfer') {
    const left = Math.min(item.from, item.to);
    const right = Math.max(item.from, item.to);
    const direction = item.to >= item.from ? 'right' : 'left';
    return (
      <li class={`tl-item tl-transfer ${direction}`} style={{ gridColumn: `${left + 1} / ${right + 2}` }}>
        <span class="arrow" aria-hidden="true" />
        <span class="label">
          <strong>
            Transfer {nameOf(item.fromBotId)} → {nameOf(item.toBotId)}
          </strong>
          <span class="chip">skill {item.skill}</span>
          <span class="chip context">Tango Context: {item.context}</span>
          <span class="chip ok">accepted{item.automatic ? ' (automatic)' : ''}</span>
        </span>
      </li>
    );
  }
  const lane = 'lane' in item ? item.lane : 0;
  const where = `${nameOf(lanes[lane] ?? '')}: `;
  const style = { gridColumn: String(lane + 1) };
  switch (item.kind) {
    case 'user':
      return (
        <li class="tl-item tl-user" style={style}>
          <span class="sr">{where}</span>You: {item.text}
        </li>
      );
    case 'escalation-failed':
      return (
        <li class="tl-item tl-escalation-failed" style={style}>
          <span class="badge">Escalation failed</span> platform → {nameOf(lanes[lane] ?? '')}: <code>{item.text}</code>
        </li>
      );
    case 'bot':
      return (
        <li class="tl-item tl-bot" style={style}>
          <span class="sr">{where}</span>
          <span class="dialog">[{item.dialog}]</span> {item.text}
        </li>
      );
    case 'dialog':
      return (
        <li class="tl-item tl-dialog" style={style}>
          {nameOf(item.botId)} starts “{item.dialog}” {item.how}
        </li>
      );
    case 'transfer-failed':
      return (
        <li class="tl-item tl-failed" style={style}>
          <span class="badge">Transfer failed</span> {nameOf(item.fromBotId)} → skill {item.skill}: {item.stage}, {item.reason}. {item.message}
        </li>
      );
    case 'fallback':
      return (
        <li class="tl-item tl-fallback" style={style}>
          <span class="badge">Fallback</span> {nameOf(item.botId)}: nothing matched “{item.text}”
        </li>
      );
    case 'disambiguation':
      return (
        <li class="tl-item tl-disambiguation" style={style}>
          <span class="badge">Disambiguation</span> {nameOf(item.botId)} asks to choose: {item.options}
        </li>
      );
    case 'error':
      return (
        <li class="tl-item tl-error" style={style}>
          <span class="badge">Error</span> {nameOf(item.botId)}: {item.code}: {item.message}
        </li>
      );
    case 'system-command':
      return (
        <li class="tl-item tl-system" style={style}>
          <span class="badge">System</span> {nameOf(item.botId)} {item.text}
        </li>
      );
  }
}

function ContextPanel({ view }: { view: ContextView }) {
  const conversationScope = Object.entries(view.entries?.namespaces ?? {});
  const userScope = Object.entries(view.entries?.userNamespaces ?? {});
  return (
    <div class="context-body">
      {view.summary?.ownerBotId && (
        <p>
          Conversation held by <strong>{view.summary.ownerBotId}</strong>
          {view.summary.turns !== undefined ? `, ${view.summary.turns} turn${view.summary.turns === 1 ? '' : 's'}` : ''}.
        </p>
      )}
      {view.unavailable && <p class="note">{view.unavailable}</p>}
      {view.error && (
        <p class="error" role="alert">
          {view.error}
        </p>
      )}
      {view.entries && conversationScope.length + userScope.length === 0 && <p class="empty">No entries yet.</p>}
      {conversationScope.map(([ns, props]) => (
        <Namespace scope="conversation" name={ns} props={props} />
      ))}
      {userScope.map(([ns, props]) => (
        <Namespace scope="user" name={ns} props={props} />
      ))}
    </div>
  );
}

function Namespace({ scope, name, props }: { scope: 'conversation' | 'user'; name: string; props: Readonly<Record<string, unknown>> }) {
  return (
    <div class="namespace" data-namespace={name} data-scope={scope}>
      <h3>
        {name} <span class="scope">({scope} scope)</span>
      </h3>
      <dl>
        {Object.entries(props).map(([prop, value]) => (
          <div class="entry" data-prop={prop}>
            <dt>{prop}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
