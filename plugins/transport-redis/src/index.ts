export { RedisStreamsTransport, isRedisStreamsTransport, type RedisStreamsTransportOptions, type ResolvedTransportSettings } from './redis-streams-transport.js';
export { RedisBotAgent, CRASH_POINTS, type RedisBotAgentOptions, type CrashPoint } from './redis-bot-agent.js';
export { RedisTransportModule, RedisStreamsTransportService, redisTransportOptionsSchema, bottangoPlugin } from './redis-transport-module.js';
export { ConversationEvents, type EventEntry } from './conversation-events.js';
export { AgentRegistry, type AgentHeartbeat } from './agent-registry.js';
export { StreamKeys, CONSUMER_GROUP, DEFAULT_STREAM_PREFIX } from './keys.js';
