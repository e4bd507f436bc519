import type { ChainableCommander, Redis } from 'ioredis';

/*
 * The Lua scripts behind every read-model write and read. Each runs atomically in Redis, which is what makes the
 * runner effectively-once: the sequence check and the update it guards can never be split by a crash or by another
 * writer. Keys are derived inside the scripts from the model root passed in ARGV[1], so they suit a standalone Redis
 * (or one where a model's keys share a slot), not a sharded cluster.
 * Numbers that end up in Redis travel as strings: Lua's number formatting would turn 1.7e12 into "1.7e+12".
 */

/**
 * Applies one fold pass: checks every subject's sequence token first, then writes all or nothing. The token is the
 * subject's field in the `seq` hash: `<last sequence>`, or `<last sequence>~<held count>` while events are held behind
 * a gap, so one field guards both (read for all subjects with HMGET, in chunks). Writes are batched too: the subjects'
 * new tokens in a few HSETs, their docs in a few MSETs, and the index writes of all subjects already merged per key by
 * the caller (`writesOf`), each one call with its arguments unpacked straight from ARGV.
 * Arguments are flat (no JSON to decode): root, target, expected generation; the offsets (count, then field/offset
 * pairs); the subjects (count, then per subject: subject, expected token, new token, doc ('=' unchanged, '-' deleted,
 * '+' then the JSON), and '.' for nothing held or gap-related, or '+' then held events to add (count, then
 * sequence/JSON pairs), held sequences to drop (count, then sequences), gap record ('=', '-', or '+' then the JSON));
 * then, to the end, the index writes: op, key, argument count, arguments.
 */
const APPLY = `#!lua
local root, target, expected = ARGV[1], ARGV[2], ARGV[3]
local gen = target
if target == '' then
  gen = redis.call('GET', root .. 'current')
  if not gen then return {'moved', ''} end
  if gen ~= expected then return {'moved', gen} end
end
local ns = root .. gen .. ':'
local seqKey, gapKey, heldPrefix, docPrefix, ixPrefix = ns .. 'seq', ns .. 'meta:gaps', ns .. 'meta:held:', ns .. 'doc:', ns .. 'ix:'
-- Each index op and the argument counts it takes: 'pairs' an even count from 2, 'some' at least 1, a number exactly that.
local arity = {zadd='pairs', hset='pairs', zrem='some', sadd='some', srem='some', hdel='some', rpush='some', hincrby=2, del=0}
local CHUNK = 1000
local n = #ARGV
local nOff = tonumber(ARGV[4])
local i = 5 + nOff * 2
local nSubjects = tonumber(ARGV[i])
i = i + 1
local starts = {}
for k = 1, nSubjects do
  starts[k] = i
  i = i + 3
  if ARGV[i] == '+' then i = i + 2 else i = i + 1 end
  if ARGV[i] == '+' then
    i = i + 1
    i = i + 1 + tonumber(ARGV[i]) * 2
    i = i + 1 + tonumber(ARGV[i])
    if ARGV[i] == '+' then i = i + 2 else i = i + 1 end
  elseif ARGV[i] == '.' then
    i = i + 1
  else
    return redis.error_reply('malformed apply arguments')
  end
end
-- Every index write is checked before anything is written: a script stopped by an error keeps what it wrote.
local writesFrom = i
while i <= n do
  local want, argc = arity[ARGV[i]], tonumber(ARGV[i + 2])
  if not want then return redis.error_reply('unknown index op ' .. tostring(ARGV[i])) end
  if not argc or (want == 'pairs' and (argc < 2 or argc % 2 ~= 0)) or (want == 'some' and argc < 1) or (type(want) == 'number' and argc ~= want) then
    return redis.error_reply('wrong argument count for index op ' .. ARGV[i])
  end
  i = i + 3 + argc
end
if i ~= n + 1 then return redis.error_reply('malformed apply arguments') end
-- Every subject's sequence token is checked (HMGET in chunks) before anything is written.
local conflicts = {}
for c = 1, #starts, CHUNK do
  local fields = {}
  for k = c, math.min(c + CHUNK - 1, #starts) do fields[#fields + 1] = ARGV[starts[k]] end
  local tokens = redis.call('HMGET', seqKey, unpack(fields))
  for k = 1, #fields do
    if (tokens[k] or '0') ~= ARGV[starts[c + k - 1] + 1] then conflicts[#conflicts + 1] = fields[k] end
  end
end
if #conflicts > 0 then return {'conflict', conflicts} end
-- Writes to the subjects' own keys (seq fields, docs) are gathered and sent in chunks; they share no key with the index
-- writes, whose order the caller has already settled.
local seqSet, seqDel, docSet, docDel = {}, {}, {}, {}
local function flushTo(cmd, key, list)
  for c = 1, #list, CHUNK do
    if key then redis.call(cmd, key, unpack(list, c, math.min(c + CHUNK - 1, #list)))
    else redis.call(cmd, unpack(list, c, math.min(c + CHUNK - 1, #list))) end
  end
end
for _, start in ipairs(starts) do
  i = start
  local s, expect, token = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  if token ~= expect then
    if token == '0' then seqDel[#seqDel + 1] = s else seqSet[#seqSet + 1] = s; seqSet[#seqSet + 1] = token end
  end
  local docMode = ARGV[i]
  if docMode == '+' then
    docSet[#docSet + 1] = docPrefix .. s
    docSet[#docSet + 1] = ARGV[i + 1]
    i = i + 2
  else
    if docMode == '-' then docDel[#docDel + 1] = docPrefix .. s end
    i = i + 1
  end
  if ARGV[i] == '+' then
    i = i + 1
    local nHold = tonumber(ARGV[i])
    i = i + 1
    for _ = 1, nHold do
      redis.call('HSET', heldPrefix .. s, ARGV[i], ARGV[i + 1])
      i = i + 2
    end
    local nUnhold = tonumber(ARGV[i])
    i = i + 1
    for _ = 1, nUnhold do
      redis.call('HDEL', heldPrefix .. s, ARGV[i])
      i = i + 1
    end
    if ARGV[i] == '+' then redis.call('HSET', gapKey, s, ARGV[i + 1]) elseif ARGV[i] == '-' then redis.call('HDEL', gapKey, s) end
  end
end
i = writesFrom
while i <= n do
  local op, key, argc = ARGV[i], ixPrefix .. ARGV[i + 1], tonumber(ARGV[i + 2])
  if op == 'hincrby' then
    -- A count that comes to 0 is removed: a count field is absent or non-zero, whatever the writes were batched into.
    if redis.call('HINCRBY', key, ARGV[i + 3], ARGV[i + 4]) == 0 then redis.call('HDEL', key, ARGV[i + 3]) end
  elseif argc == 0 then redis.call(op, key) else redis.call(op, key, unpack(ARGV, i + 3, i + 2 + argc)) end
  i = i + 3 + argc
end
flushTo('HSET', seqKey, seqSet)
flushTo('HDEL', seqKey, seqDel)
flushTo('MSET', nil, docSet)
flushTo('DEL', nil, docDel)
local offKey = ns .. 'meta:offsets'
for o = 5, 4 + nOff * 2, 2 do
  local cur = redis.call('HGET', offKey, ARGV[o])
  if not cur or tonumber(cur) < tonumber(ARGV[o + 1]) then redis.call('HSET', offKey, ARGV[o], ARGV[o + 1]) end
end
return {'ok', gen}
`;

/**
 * The generation a read-only script reads (ARGV[2], or the current one when empty, resolved in the same atomic step)
 * and its namespace; a model with no generation answers {''}.
 */
const RESOLVE_GENERATION = `local root, gen = ARGV[1], ARGV[2]
if gen == '' then
  gen = redis.call('GET', root .. 'current')
  if not gen then return {''} end
end
local ns = root .. gen .. ':'
local out = {gen}`;

/** Reads what a fold pass needs for the given subjects: sequence, doc, gap record and held events. */
const LOAD = `#!lua flags=no-writes
${RESOLVE_GENERATION}
for i = 3, #ARGV do
  local s = ARGV[i]
  local gap = redis.call('HGET', ns .. 'meta:gaps', s)
  out[#out + 1] = redis.call('HGET', ns .. 'seq', s)
  out[#out + 1] = redis.call('GET', ns .. 'doc:' .. s)
  out[#out + 1] = gap
  if gap then out[#out + 1] = redis.call('HGETALL', ns .. 'meta:held:' .. s) else out[#out + 1] = {} end
end
return out
`;

/** Runs read-only commands against the current generation, resolving the pointer in the same atomic step. */
const READ = `#!lua flags=no-writes
local allowed = {GET=true, HGET=true, HMGET=true, HGETALL=true, HLEN=true, HKEYS=true, EXISTS=true, TYPE=true,
  LRANGE=true, LLEN=true, LINDEX=true, SMEMBERS=true, SCARD=true, SISMEMBER=true,
  ZRANGE=true, ZREVRANGE=true, ZRANGEBYSCORE=true, ZREVRANGEBYSCORE=true, ZCARD=true, ZSCORE=true, ZCOUNT=true, ZRANK=true}
${RESOLVE_GENERATION}
local i = 3
while i <= #ARGV do
  local cmd, argc = ARGV[i], tonumber(ARGV[i + 1])
  if not allowed[cmd] then return redis.error_reply('read models allow read commands only, not ' .. cmd) end
  local args = {}
  for j = 1, argc do args[j] = ARGV[i + 2 + j] end
  out[#out + 1] = redis.call(cmd, ns .. ARGV[i + 2], unpack(args))
  i = i + 3 + argc
end
return out
`;

/** The generation readers use, creating the first one if the model has none. */
const ENSURE_CURRENT = `#!lua
local root, version = ARGV[1], ARGV[2]
local cur = redis.call('GET', root .. 'current')
if cur then return cur end
local gen = tostring(redis.call('INCR', root .. 'generation'))
redis.call('SADD', root .. 'generations', gen)
redis.call('SET', root .. gen .. ':meta:version', version)
redis.call('SET', root .. 'current', gen)
return gen
`;

/** Takes the rebuild lease and hands out a fresh generation, unless another rebuild holds the lease. */
const BEGIN_BUILD = `#!lua
local root, leaseMs, version = ARGV[1], ARGV[2], ARGV[3]
local holder = redis.call('GET', root .. 'building')
if holder then return {'busy', holder} end
local gen = tostring(redis.call('INCR', root .. 'generation'))
redis.call('SADD', root .. 'generations', gen)
redis.call('SET', root .. gen .. ':meta:version', version)
redis.call('SET', root .. 'building', gen, 'PX', leaseMs)
return {'ok', gen}
`;

/** Extends the rebuild lease if this generation still holds it. */
const RENEW_BUILD = `#!lua
local root, gen, leaseMs = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', root .. 'building') ~= gen then return 0 end
redis.call('PEXPIRE', root .. 'building', leaseMs)
return 1
`;

/**
 * Points readers at a rebuilt generation, but only if it has read every partition of the topic at least as far as
 * the generation it replaces: then it holds every event the old one did, and nothing a reader saw disappears.
 */
const SWITCH = `#!lua
local root, newGen, topicPrefix = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', root .. 'building') ~= newGen then return {'lost', redis.call('GET', root .. 'building') or ''} end
local cur = redis.call('GET', root .. 'current')
if cur then
  local prev = redis.call('HGETALL', root .. cur .. ':meta:offsets')
  local mineKey = root .. newGen .. ':meta:offsets'
  local behind = {}
  for i = 1, #prev, 2 do
    local f = prev[i]
    if string.sub(f, 1, #topicPrefix) == topicPrefix then
      local mine = redis.call('HGET', mineKey, f)
      if not mine or tonumber(mine) < tonumber(prev[i + 1]) then behind[#behind + 1] = f end
    end
  end
  if #behind > 0 then return {'behind', behind} end
end
redis.call('SET', root .. 'current', newGen)
redis.call('DEL', root .. 'building')
return {'switched', cur or ''}
`;

/** Releases the rebuild lease held by this generation (after a failed or aborted rebuild). */
const ABANDON_BUILD = `#!lua
local root, gen = ARGV[1], ARGV[2]
if redis.call('GET', root .. 'building') == gen then redis.call('DEL', root .. 'building') end
return 1
`;

const SCRIPTS = {
  pfApply: APPLY,
  pfLoad: LOAD,
  pfRead: READ,
  pfEnsureCurrent: ENSURE_CURRENT,
  pfBeginBuild: BEGIN_BUILD,
  pfRenewBuild: RENEW_BUILD,
  pfSwitch: SWITCH,
  pfAbandonBuild: ABANDON_BUILD,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...args: Array<string | string[]>) => Promise<unknown>;

/** A Redis connection with partnerflow's read-model scripts defined (EVALSHA, reloaded by ioredis on NOSCRIPT). */
export type ScriptedRedis = Redis & Record<ScriptName, ScriptCall>;
/** A pipeline of a ScriptedRedis. */
export type ScriptedPipeline = ChainableCommander & Record<ScriptName, (...args: Array<string | string[]>) => ChainableCommander>;

const installed = new WeakSet<Redis>();

/** Defines the scripts on this connection once. */
export function withScripts(redis: Redis): ScriptedRedis {
  if (!installed.has(redis)) {
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    installed.add(redis);
  }
  return redis as ScriptedRedis;
}
