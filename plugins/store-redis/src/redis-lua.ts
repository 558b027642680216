/**
 * Lua scripts of the Redis store. Each runs atomically on the server, which is what makes CAS,
 * "write only to a registered namespace" and "the index follows its members" safe between clients.
 *
 * Layout under the key prefix P:
 *   P namespaces            hash: namespace -> "<generation>:<ttlSeconds>"
 *   P generation            counter: a new generation for each namespace (re)created
 *   P v:<ns>:<gen>:<scope>:<property>   string "<version>:<json>", with PEXPIRE when the namespace had a TTL
 *   P i:<ns>:<gen>:<scope>              set of property names of one scope (for getAll/deleteAll)
 *   P t:<ns>:<gen>:<scope>              the session's own TTL in seconds (setSessionTtl); with a TTL > 0 it expires
 *                                       that long after the session's last write, so it goes with the session
 * where <scope> is "<length>:<scopeKey>", so IDs and property names containing ':' cannot collide.
 * Deleting a namespace removes its registry entry (atomically hiding all its keys, whose generation
 * can never come back) and then unlinks the keys.
 *
 * Common arguments: KEYS[1] = registry hash; ARGV[1] = prefix, ARGV[2] = namespace, ARGV[3] = scope part,
 * ARGV[4] = property. Replies {-1} = namespace not registered, {-2, version} = version conflict.
 */

const PREAMBLE = `
local reg = redis.call('HGET', KEYS[1], ARGV[2])
`;

const KEYS_OF_SCOPE = `
local gen, ttl = string.match(reg, '^(%d+):(%d+)$')
ttl = tonumber(ttl)
local base = ARGV[1] .. 'v:' .. ARGV[2] .. ':' .. gen .. ':' .. ARGV[3] .. ':'
local ikey = ARGV[1] .. 'i:' .. ARGV[2] .. ':' .. gen .. ':' .. ARGV[3]
local skey = ARGV[1] .. 't:' .. ARGV[2] .. ':' .. gen .. ':' .. ARGV[3]
`;

export const GET_SCRIPT = `${PREAMBLE}
if not reg then return false end
local gen = string.match(reg, '^(%d+):')
return redis.call('GET', ARGV[1] .. 'v:' .. ARGV[2] .. ':' .. gen .. ':' .. ARGV[3] .. ':' .. ARGV[4])
`;

/** ARGV[5] = JSON, ARGV[6] = expected version or ''. Reply {version}. */
export const SET_SCRIPT = `${PREAMBLE}
if not reg then return {-1} end
${KEYS_OF_SCOPE}
local vkey = base .. ARGV[4]
local current = redis.call('GET', vkey)
local version = 0
if current then version = tonumber(string.match(current, '^(%d+):')) end
if ARGV[6] ~= '' and tonumber(ARGV[6]) ~= version then return {-2, version} end
version = version + 1
local sessionTtl = redis.call('GET', skey)
if sessionTtl then
  ttl = tonumber(sessionTtl)
  if ttl > 0 then redis.call('PEXPIRE', skey, ttl * 1000) end
end
local indexExisted = redis.call('EXISTS', ikey)
if ttl > 0 then
  redis.call('SET', vkey, version .. ':' .. ARGV[5], 'PX', ttl * 1000)
else
  redis.call('SET', vkey, version .. ':' .. ARGV[5])
end
redis.call('SADD', ikey, ARGV[4])
-- the index lives as long as its longest-lived member
if ttl == 0 then
  redis.call('PERSIST', ikey)
elseif indexExisted == 0 then
  redis.call('PEXPIRE', ikey, ttl * 1000)
else
  local pttl = redis.call('PTTL', ikey)
  if pttl >= 0 and pttl < ttl * 1000 then redis.call('PEXPIRE', ikey, ttl * 1000) end
end
return {version}
`;

/** Reply {1} when a live key was deleted, {0} when there was none (or it had expired). */
export const DELETE_SCRIPT = `${PREAMBLE}
if not reg then return {-1} end
${KEYS_OF_SCOPE}
local deleted = redis.call('DEL', base .. ARGV[4])
redis.call('SREM', ikey, ARGV[4])
return {deleted}
`;

/** Reply: flat [property, "<version>:<json>", ...] of live members; drops expired members from the index. */
export const GET_ALL_SCRIPT = `${PREAMBLE}
if not reg then return {} end
${KEYS_OF_SCOPE}
local out = {}
for _, property in ipairs(redis.call('SMEMBERS', ikey)) do
  local value = redis.call('GET', base .. property)
  if value then
    out[#out + 1] = property
    out[#out + 1] = value
  else
    redis.call('SREM', ikey, property)
  end
end
return out
`;

/** Reply {n}: how many live properties were deleted. */
export const DELETE_ALL_SCRIPT = `${PREAMBLE}
if not reg then return {-1} end
${KEYS_OF_SCOPE}
local deleted = 0
for _, property in ipairs(redis.call('SMEMBERS', ikey)) do
  deleted = deleted + redis.call('DEL', base .. property)
end
redis.call('DEL', ikey)
redis.call('DEL', skey)
return {deleted}
`;

/** ARGV[4] = TTL seconds. Reply {1}. */
export const SET_SESSION_TTL_SCRIPT = `${PREAMBLE}
if not reg then return {-1} end
${KEYS_OF_SCOPE}
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', skey, ARGV[4], 'PX', tonumber(ARGV[4]) * 1000)
else
  redis.call('SET', skey, ARGV[4])
end
return {1}
`;

/** KEYS[2] = generation counter; ARGV[3] = TTL seconds. Keeps the generation of an existing namespace. */
export const REGISTER_SCRIPT = `${PREAMBLE}
local gen
if reg then gen = string.match(reg, '^(%d+):') else gen = redis.call('INCR', KEYS[2]) end
redis.call('HSET', KEYS[1], ARGV[2], gen .. ':' .. ARGV[3])
return 1
`;

/** Reply: the generation of the deleted namespace, or false when it was not registered. */
export const DELETE_NAMESPACE_SCRIPT = `${PREAMBLE}
if not reg then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
return string.match(reg, '^(%d+):')
`;
