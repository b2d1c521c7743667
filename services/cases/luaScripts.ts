import { LuaScript } from '../redis';

/*
 * The case store's multi-key changes. Keys live under `<prefix>{cases}:` (one hash tag, one Cluster slot):
 *   case:<ref>                 hash of the case (details and phone sealed), expires at its expiresAt
 *   idx:all, idx:status:<s>,   sorted sets ref → createdAt; each expires with the newest case it holds,
 *   idx:district:<d>, idx:category:<c>, idx:risk:<r>   and readers drop entries older than the retention time
 */

/** Pushes a key's expiry out to `at` (ms), never pulls it in: an index lives as long as its newest case. */
const EXTEND = `
local function extend(key, at)
  local ttl = redis.call('PTTL', key)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if ttl < 0 or now + ttl < tonumber(at) then redis.call('PEXPIREAT', key, at) end
end
`;

/**
 * Stores a new case unless its reference is taken.
 * KEYS[1]     the case hash
 * KEYS[2..n]  the index sets the case joins
 * ARGV[1] ref · ARGV[2] createdAt (ms, the index score) · ARGV[3] expiresAt (ms) · ARGV[4..] field, value pairs
 * Returns 1 when stored, 0 when the reference already exists.
 */
export const CREATE_CASE = new LuaScript(`${EXTEND}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[2], ARGV[1])
  extend(KEYS[i], ARGV[3])
end
return 1
`);

/**
 * Moves a case to another status: out of every other status index, into the new one.
 * KEYS[1]     the case hash
 * KEYS[2]     the index of the new status
 * KEYS[3..n]  the indexes of every other status
 * ARGV[1] ref · ARGV[2] new status · ARGV[3] handoff chat id, or '' to leave it as it is
 * Returns 1, or 0 when the case does not exist (expired or never made).
 */
export const SET_STATUS = new LuaScript(`${EXTEND}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
local created, expires = unpack(redis.call('HMGET', KEYS[1], 'createdAt', 'expiresAt'))
redis.call('ZADD', KEYS[2], created, ARGV[1])
extend(KEYS[2], expires)
redis.call('HSET', KEYS[1], 'status', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'handoffChatId', ARGV[3]) end
return 1
`);

/**
 * Changes a case's work fields (assignee, referral, callback outcome...) and, when given, its status,
 * in one step; with a check on the assignee so that two counsellors cannot both take one case.
 * KEYS[1]     the case hash
 * KEYS[2]     the index of the new status (only when ARGV[2] is a status)
 * KEYS[3..n]  the indexes of every other status (idem)
 * ARGV[1] ref · ARGV[2] new status or '' · ARGV[3] '1' to check the assignee · ARGV[4] the expected
 * assignee ('' for nobody) · ARGV[5..] field, value pairs ('' deletes the field)
 * Returns 1, 0 when the case does not exist, -1 when the assignee is not the expected one.
 */
export const UPDATE_CASE = new LuaScript(`${EXTEND}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[3] == '1' then
  local current = redis.call('HGET', KEYS[1], 'assignee') or ''
  if current ~= ARGV[4] then return -1 end
end
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[2] ~= '' then
  for i = 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
  local created, expires = unpack(redis.call('HMGET', KEYS[1], 'createdAt', 'expiresAt'))
  redis.call('ZADD', KEYS[2], created, ARGV[1])
  extend(KEYS[2], expires)
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
end
return 1
`);
