/** Lua scripts: each step that must not be split by a crash or a concurrent client runs as one script. */

/**
 * Sends a user message: the next sequence number of the conversation and the inbox entry, together (a number taken
 * but never sent would leave every later message waiting for it).
 * KEYS: seq counter, inbox stream, events stream. ARGV: conversation id, text.
 * Returns the sequence number and the ID of the newest event before the message (the front reads from there).
 */
export const SEND_MESSAGE = `
local newest = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], '*', 'kind', 'message', 'conversation', ARGV[1], 'seq', seq, 'text', ARGV[2])
local from = '0-0'
if newest[1] then from = newest[1][1] end
return {seq, from}
`;

/**
 * Publishes steps, one entry each: an entry whose ID is not above the stream's last is already there (a step published
 * again after a crash) and is skipped, so every event is in the stream once. Then nudges the fronts. The stream
 * expires after a quiet `ttl` seconds (the conversation state keeps the transcript).
 * With an input entry, acknowledges and deletes it in the same call (the step it caused is stored already).
 * KEYS: events stream, channel, input stream (or any key when none). ARGV: max length, ttl, consumer group, input
 * entry ID ('' for none), then per step: id, first event number, events JSON, settled seq ('' for none).
 * Returns how many were added.
 */
export const PUBLISH_EVENTS = `
local added = 0
for i = 5, #ARGV, 4 do
  local ok, err
  if ARGV[i + 3] == '' then
    ok, err = pcall(redis.call, 'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i], 'first', ARGV[i + 1], 'events', ARGV[i + 2])
  else
    ok, err = pcall(redis.call, 'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i], 'first', ARGV[i + 1], 'events', ARGV[i + 2], 'settled', ARGV[i + 3])
  end
  if ok then
    added = added + 1
  elseif not string.find(type(err) == 'table' and err.err or tostring(err), 'equal or smaller', 1, true) then
    -- Only "already there" is expected; anything else fails the script before the input is acknowledged.
    error(err)
  end
end
if added > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('PUBLISH', KEYS[2], '1')
end
if ARGV[4] ~= '' then
  redis.call('XACK', KEYS[3], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[3], ARGV[4])
end
return added
`;

/**
 * Moves transfers past their deadline to their sender's inbox as timeout notices; each is moved by exactly one
 * process (ZREM and XADD in one script). KEYS: deadlines. ARGV: now (ms), limit, inbox key prefix.
 * Returns how many were moved.
 */
export const EXPIRE_TRANSFERS = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local ok, t = pcall(cjson.decode, member)
  -- A member no Bottango process wrote is dropped, not left to fail every sweep.
  if ok and type(t) == 'table' and type(t.fromBotId) == 'string' and type(t.conversationId) == 'string'
    and type(t.transferId) == 'string' and type(t.skill) == 'string' then
  redis.call('XADD', ARGV[3] .. t.fromBotId, '*', 'kind', 'failed', 'conversation', t.conversationId, 'transfer', t.transferId,
    'reason', 'timeout', 'message', 'no bot agent holding skill "' .. t.skill .. '" took the conversation in time')
  end
end
return #due
`;
