import { LuaScript } from '../redis';

/*
 * Every multi-key change of the handoff queue, one Lua script each (the BullMQ way: atomic on one
 * Redis, no WATCH loops). Common to all scripts:
 *   KEYS[1]  the queue's event stream, `<base>events`;
 *   ARGV[1]  <base>, the key prefix ending in `{handoff}:`; the per-chat keys a script derives from
 *            it share that hash tag, so they live in KEYS[1]'s slot and the scripts run on Cluster.
 * Key layout under <base>:
 *   chat:<id> hash (state, lang, prio, seq, createdAt, conv, entryPos, told (last place the user heard), req JSON, counsellorId, alias,
 *   claimedAt, leaseUntil, endedAt, endedBy, disposition) · log:<id> stream (the transcript) ·
 *   ids:<id> hash msgId → log id (de-duplication) · dcur:<id> last log id delivered to the user ·
 *   dlock:<id> delivery lock · conv:<conversationId> → live chat id · lane:<lang>:<prio> zset
 *   seq → id (waiting) · pending zset createdAt → id · leases zset leaseUntil → id ·
 *   cc:<counsellorId> set of held chats · online zset counsellorId → last heartbeat ·
 *   followups zset endedAt → id · waits list "waitMs:positionAtEntry" · undelivered zset → id ·
 *   seq, sys counters.
 */
const PRELUDE = `
local base = ARGV[1]
local function key(...) return base .. table.concat({...}, ':') end
local function chatKey(id) return key('chat', id) end

local function emit(now, kind, id, ...)
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', 10000, '*', 'type', kind, 'chat', id, 'at', now, ...)
end

-- Transcripts and their companions expire RETENTION_DAYS after the chat last changed.
local function retain(id, untilMs)
  for _, k in ipairs({chatKey(id), key('log', id), key('ids', id), key('dcur', id)}) do
    redis.call('PEXPIREAT', k, untilMs)
  end
end

-- Appends to the transcript once per msgId; returns the log id.
local function post(now, id, msgId, from, to, text, notice)
  local ids = key('ids', id)
  local seen = redis.call('HGET', ids, msgId)
  if seen then return seen end
  local fields = {'msgId', msgId, 'from', from, 'to', to, 'at', now}
  if text ~= '' then table.insert(fields, 'text'); table.insert(fields, text) end
  if notice ~= '' then table.insert(fields, 'notice'); table.insert(fields, notice) end
  local logId = redis.call('XADD', key('log', id), '*', unpack(fields))
  redis.call('HSET', ids, msgId, logId)
  if to == 'user' then redis.call('ZADD', key('undelivered'), 'NX', now, id) end
  emit(now, 'message', id, 'from', from)
  return logId
end

local function notify(now, id, to, noticeKey, vars)
  local msgId = 'sys:' .. redis.call('INCR', key('sys'))
  return post(now, id, msgId, 'system', to, '', cjson.encode({key = noticeKey, vars = vars}))
end

-- Places ahead in the same language: every chat of a more urgent priority, and earlier ones of the same.
local function positionOf(lang, prio, seq)
  local n = 0
  for p = 1, prio - 1 do n = n + redis.call('ZCARD', key('lane', lang, p)) end
  return n + redis.call('ZCOUNT', key('lane', lang, prio), '-inf', '(' .. seq) + 1
end

local function openChat(now, id)
  if redis.call('ZREM', key('pending'), id) == 0 then return 0 end
  local lang, prio, seq = unpack(redis.call('HMGET', chatKey(id), 'lang', 'prio', 'seq'))
  if not lang then return 0 end
  redis.call('HSET', chatKey(id), 'state', 'waiting')
  redis.call('ZADD', key('lane', lang, prio), seq, id)
  emit(now, 'waiting', id)
  return 1
end

-- Back into its lane at its original place (seq), claim dropped.
local function requeue(id)
  local c = chatKey(id)
  local lang, prio, seq, holder = unpack(redis.call('HMGET', c, 'lang', 'prio', 'seq', 'counsellorId'))
  redis.call('ZREM', key('leases'), id)
  if holder then redis.call('SREM', key('cc', holder), id) end
  redis.call('HDEL', c, 'counsellorId', 'alias', 'claimedAt', 'leaseUntil')
  redis.call('HSET', c, 'state', 'waiting')
  redis.call('ZADD', key('lane', lang, prio), seq, id)
end

-- nil when the actor may act on an active chat, else the refusal.
local function holderRefusal(id, actor, supervisor)
  local state, holder = unpack(redis.call('HMGET', chatKey(id), 'state', 'counsellorId'))
  if not state then return 'not-found' end
  if state ~= 'active' then return 'not-active' end
  if holder ~= actor and supervisor ~= '1' then return 'not-yours' end
  return nil
end

-- Log entries meant for the user after log id \`after\`, at most max; also the last id looked at.
local function forUser(id, after, max)
  local out, last = {}, after
  while #out < max do
    local page = redis.call('XRANGE', key('log', id), '(' .. last, '+', 'COUNT', 100)
    if #page == 0 then break end
    for _, entry in ipairs(page) do
      if #out >= max then break end
      last = entry[1]
      local f = entry[2]
      for i = 1, #f, 2 do
        if f[i] == 'to' then
          if f[i + 1] == 'user' then table.insert(out, entry) end
          break
        end
      end
    end
  end
  return out, last
end
`;

function script(header: string, body: string): LuaScript {
  return new LuaScript(`-- ${header.trim().split('\n').join('\n-- ')}\n${PRELUDE}\n${body}`);
}

export const ENQUEUE = script(
  `enqueue: a new chat, pending (counted for positions, not yet claimable).
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] chat id, ARGV[5] conversation id, ARGV[6] language lane,
ARGV[7] priority 1-3, ARGV[8] request JSON.
Returns {1, id, position}, or {0, existingId} when the conversation already has a live chat.`,
  `
local now = tonumber(ARGV[2])
local keepUntil = now + tonumber(ARGV[3])
local id, conv, lang, prio = ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
local existing = redis.call('GET', key('conv', conv))
if existing then
  local state = redis.call('HGET', chatKey(existing), 'state')
  if state and state ~= 'ended' then return {0, existing} end
end
local seq = redis.call('INCR', key('seq'))
local position = positionOf(lang, prio, seq)
redis.call('HSET', chatKey(id), 'id', id, 'req', ARGV[8], 'state', 'pending', 'lang', lang, 'prio', prio,
  'seq', seq, 'createdAt', now, 'conv', conv, 'entryPos', position, 'told', position)
redis.call('ZADD', key('pending'), now, id)
redis.call('SET', key('conv', conv), id, 'PXAT', keepUntil)
retain(id, keepUntil)
return {1, id, position}
`,
);

export const OPEN = script(
  `open: a pending chat becomes claimable. ARGV[2] now ms, ARGV[3] chat id. Returns 1, or 0 if it was not pending.`,
  `return openChat(tonumber(ARGV[2]), ARGV[3])`,
);

export const CLAIM = script(
  `claim: a counsellor takes one waiting chat, atomically.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] lease ms, ARGV[5] counsellor id, ARGV[6] alias,
ARGV[7] the counsellor's languages "as,hi", ARGV[8] language fallback ms, ARGV[9] chat id, or "" for
the best one (priority, then the earliest among lane heads the counsellor may serve), ARGV[10] every language.
Returns {1, id} or {0, reason}.`,
  `
local now = tonumber(ARGV[2])
local keepUntil = now + tonumber(ARGV[3])
local leaseUntil = now + tonumber(ARGV[4])
local cid, alias = ARGV[5], ARGV[6]

local function take(id)
  local c = chatKey(id)
  local lang, prio, createdAt, entryPos = unpack(redis.call('HMGET', c, 'lang', 'prio', 'createdAt', 'entryPos'))
  redis.call('ZREM', key('lane', lang, prio), id)
  redis.call('HSET', c, 'state', 'active', 'counsellorId', cid, 'alias', alias, 'claimedAt', now, 'leaseUntil', leaseUntil)
  redis.call('ZADD', key('leases'), leaseUntil, id)
  redis.call('SADD', key('cc', cid), id)
  redis.call('LPUSH', key('waits'), (now - tonumber(createdAt)) .. ':' .. entryPos)
  redis.call('LTRIM', key('waits'), 0, 49)
  notify(now, id, 'user', 'joined', {alias = alias})
  emit(now, 'claimed', id, 'counsellor', cid)
  retain(id, keepUntil)
  return {1, id}
end

if ARGV[9] ~= '' then
  local state = redis.call('HGET', chatKey(ARGV[9]), 'state')
  if not state then return {0, 'not-found'} end
  if state ~= 'waiting' then return {0, 'not-waiting'} end
  return take(ARGV[9])
end

local own = {}
for lang in string.gmatch(ARGV[7], '[^,]+') do own[lang] = true end
local fallback = tonumber(ARGV[8])
for prio = 1, 3 do
  local bestId, bestSeq
  for lang in string.gmatch(ARGV[10], '[^,]+') do
    local head = redis.call('ZRANGE', key('lane', lang, prio), 0, 0, 'WITHSCORES')
    if head[1] then
      local seq = tonumber(head[2])
      local eligible = own[lang]
      if not eligible then
        local createdAt = tonumber(redis.call('HGET', chatKey(head[1]), 'createdAt')) or 0
        eligible = now - createdAt >= fallback
      end
      if eligible and (not bestSeq or seq < bestSeq) then bestId, bestSeq = head[1], seq end
    end
  end
  if bestId then return take(bestId) end
end
return {0, 'empty'}
`,
);

export const HEARTBEAT = script(
  `heartbeat: a counsellor is present; their claims live another lease.
ARGV[2] now ms, ARGV[3] lease ms, ARGV[4] counsellor id. Returns the number of claims extended.`,
  `
local now, cid = tonumber(ARGV[2]), ARGV[4]
local leaseUntil = now + tonumber(ARGV[3])
redis.call('ZADD', key('online'), now, cid)
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', key('cc', cid))) do
  local state, holder = unpack(redis.call('HMGET', chatKey(id), 'state', 'counsellorId'))
  if state == 'active' and holder == cid then
    redis.call('HSET', chatKey(id), 'leaseUntil', leaseUntil)
    redis.call('ZADD', key('leases'), leaseUntil, id)
    n = n + 1
  else
    redis.call('SREM', key('cc', cid), id)
  end
end
return n
`,
);

export const SWEEP = script(
  `sweep: claims whose lease ran out go back to the queue at their place (the user is told); pending
chats older than the grace time open; stale presence is dropped.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] pending grace ms, ARGV[5] lease ms.
Returns {requeued ids, opened ids}.`,
  `
local now = tonumber(ARGV[2])
local keepUntil = now + tonumber(ARGV[3])
local requeued, opened = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', key('leases'), '-inf', now, 'LIMIT', 0, 100)) do
  local holder = redis.call('HGET', chatKey(id), 'counsellorId') or ''
  requeue(id)
  notify(now, id, 'user', 'requeued', {})
  emit(now, 'requeued', id, 'counsellor', holder)
  retain(id, keepUntil)
  table.insert(requeued, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', key('pending'), '-inf', now - tonumber(ARGV[4]), 'LIMIT', 0, 100)) do
  if openChat(now, id) == 1 then table.insert(opened, id) end
end
redis.call('ZREMRANGEBYSCORE', key('online'), '-inf', '(' .. (now - tonumber(ARGV[5])))
return {requeued, opened}
`,
);

export const TRANSFER = script(
  `transfer: an active chat goes to a named colleague or back to the queue in a language lane.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] lease ms, ARGV[5] chat id, ARGV[6] actor id,
ARGV[7] "1" if a supervisor, ARGV[8] "counsellor" or "queue", ARGV[9] colleague id or language,
ARGV[10] colleague alias. Returns {1, id} or {0, reason}.`,
  `
local now, id = tonumber(ARGV[2]), ARGV[5]
local refusal = holderRefusal(id, ARGV[6], ARGV[7])
if refusal then return {0, refusal} end
local c = chatKey(id)
if ARGV[8] == 'queue' then
  redis.call('HSET', c, 'lang', ARGV[9])
  requeue(id)
  notify(now, id, 'user', 'transferredToQueue', {})
else
  local leaseUntil = now + tonumber(ARGV[4])
  redis.call('SREM', key('cc', redis.call('HGET', c, 'counsellorId')), id)
  redis.call('SADD', key('cc', ARGV[9]), id)
  redis.call('HSET', c, 'counsellorId', ARGV[9], 'alias', ARGV[10], 'leaseUntil', leaseUntil)
  redis.call('ZADD', key('leases'), leaseUntil, id)
  notify(now, id, 'user', 'transferred', {alias = ARGV[10]})
end
emit(now, 'transferred', id, 'counsellor', ARGV[6])
retain(id, now + tonumber(ARGV[3]))
return {1, id}
`,
);

export const END = script(
  `end: the counsellor closes an active chat; the bot takes the conversation back.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] chat id, ARGV[5] actor id, ARGV[6] "1" if a supervisor,
ARGV[7] disposition. Returns {1, id} or {0, reason}.`,
  `
local now, id = tonumber(ARGV[2]), ARGV[4]
local refusal = holderRefusal(id, ARGV[5], ARGV[6])
if refusal then return {0, refusal} end
local c = chatKey(id)
local holder, conv = unpack(redis.call('HMGET', c, 'counsellorId', 'conv'))
redis.call('ZREM', key('leases'), id)
redis.call('SREM', key('cc', holder), id)
redis.call('HSET', c, 'state', 'ended', 'endedAt', now, 'endedBy', 'counsellor', 'disposition', ARGV[7])
if redis.call('GET', key('conv', conv)) == id then redis.call('DEL', key('conv', conv)) end
notify(now, id, 'user', 'ended', {})
emit(now, 'ended', id, 'counsellor', ARGV[5])
retain(id, now + tonumber(ARGV[3]))
return {1, id}
`,
);

export const ABANDON = script(
  `abandon: the user left or said the safe word; out of the queue or the chat at once. A priority 1-2
chat is kept for follow-up. ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] conversation id.
Returns the chat id, or false when the conversation had no live chat.`,
  `
local now = tonumber(ARGV[2])
local convKey = key('conv', ARGV[4])
local id = redis.call('GET', convKey)
if not id then return false end
redis.call('DEL', convKey)
local c = chatKey(id)
local state, lang, prio, holder = unpack(redis.call('HMGET', c, 'state', 'lang', 'prio', 'counsellorId'))
if not state or state == 'ended' then return false end
if state == 'pending' then
  redis.call('ZREM', key('pending'), id)
elseif state == 'waiting' then
  redis.call('ZREM', key('lane', lang, prio), id)
else
  redis.call('ZREM', key('leases'), id)
  redis.call('SREM', key('cc', holder), id)
  notify(now, id, 'counsellor', 'endedByUser', {})
end
redis.call('HSET', c, 'state', 'ended', 'endedAt', now, 'endedBy', 'user')
if tonumber(prio) <= 2 then redis.call('ZADD', key('followups'), now, id) end
emit(now, 'ended', id)
retain(id, now + tonumber(ARGV[3]))
return id
`,
);

export const POST = script(
  `post: one message into a live chat's transcript, once per msgId.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] chat id, ARGV[5] msgId, ARGV[6] from, ARGV[7] to,
ARGV[8] text or "", ARGV[9] notice JSON or "", ARGV[10] actor id or "", ARGV[11] "1" if a supervisor.
Returns the log id, or false when the chat is unknown, ended, or not the counsellor's.`,
  `
local now, id = tonumber(ARGV[2]), ARGV[4]
local state, holder = unpack(redis.call('HMGET', chatKey(id), 'state', 'counsellorId'))
if not state or state == 'ended' then return false end
if ARGV[6] == 'counsellor' and (state ~= 'active' or (holder ~= ARGV[10] and ARGV[11] ~= '1')) then return false end
local logId = post(now, id, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
retain(id, now + tonumber(ARGV[3]))
return logId
`,
);

export const TAKE_DELIVERIES = script(
  `take deliveries: lock one chat's delivery to the user and return what the user has not had yet.
ARGV[2] chat id, ARGV[3] owner (instance id), ARGV[4] lock ms, ARGV[5] at most this many,
ARGV[6] keep-until ms (retention). Returns false if another owner holds the lock, else the log entries in order (maybe none: then unlocked).`,
  `
local id, owner = ARGV[2], ARGV[3]
local lock = key('dlock', id)
if not redis.call('SET', lock, owner, 'NX', 'PX', ARGV[4]) then
  if redis.call('GET', lock) ~= owner then return false end
  redis.call('PEXPIRE', lock, ARGV[4])
end
local cursor = redis.call('GET', key('dcur', id)) or '0-0'
local out, last = forUser(id, cursor, tonumber(ARGV[5]))
if #out == 0 then
  if last ~= cursor then redis.call('SET', key('dcur', id), last, 'PXAT', ARGV[6]) end
  redis.call('ZREM', key('undelivered'), id)
  redis.call('DEL', lock)
end
return out
`,
);

export const ACK_DELIVERIES = script(
  `ack deliveries: the user has had everything up to a log id; release the delivery lock.
ARGV[2] chat id, ARGV[3] owner, ARGV[4] last delivered log id or "", ARGV[5] now ms, ARGV[6] retention ms.
Returns 1, or 0 if the owner no longer held the lock (nothing recorded).`,
  `
local id, owner = ARGV[2], ARGV[3]
local lock = key('dlock', id)
if redis.call('GET', lock) ~= owner then return 0 end
local cursorKey = key('dcur', id)
if ARGV[4] ~= '' then
  redis.call('SET', cursorKey, ARGV[4], 'PXAT', tonumber(ARGV[5]) + tonumber(ARGV[6]))
end
local more = forUser(id, redis.call('GET', cursorKey) or '0-0', 1)
if #more == 0 then redis.call('ZREM', key('undelivered'), id) end
redis.call('DEL', lock)
return 1
`,
);

export const RETELL_POSITIONS = script(
  `retell positions: every waiting user whose place changed since they last heard it is told the new one.
ARGV[2] now ms, ARGV[3] retention ms, ARGV[4] every language "as,hi,en". Returns the chat ids told.`,
  `
local now = tonumber(ARGV[2])
local told = {}
for lang in string.gmatch(ARGV[4], '[^,]+') do
  local place = 0
  for prio = 1, 3 do
    for _, id in ipairs(redis.call('ZRANGE', key('lane', lang, prio), 0, -1)) do
      place = place + 1
      if tonumber(redis.call('HGET', chatKey(id), 'told')) ~= place then
        redis.call('HSET', chatKey(id), 'told', place)
        notify(now, id, 'user', 'position', {position = place})
        retain(id, now + tonumber(ARGV[3]))
        table.insert(told, id)
      end
    end
  end
end
return told
`,
);
