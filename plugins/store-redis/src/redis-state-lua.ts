/**
 * Lua script of the Redis conversation state store. Layout under the key prefix P: `P<conversation ID>` is a hash
 * { version, json }. The version check and the write run atomically on the server (compare-and-set between clients).
 *
 * KEYS[1] = the state's key; ARGV[1] = expected version (0: must not exist), ARGV[2] = JSON.
 * Reply {1, new version} when stored, {0, stored version} on a conflict (0 when absent).
 */
export const SAVE_STATE_SCRIPT = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= tonumber(ARGV[1]) then return {0, stored} end
redis.call('HSET', KEYS[1], 'version', stored + 1, 'json', ARGV[2])
return {1, stored + 1}
`;
