-- One decision of filter.rate_limit, atomically, with Redis's clock (no node's clock matters).
-- KEYS[1]: the counter. ARGV: algorithm ('tb' | 'sw'), limit, window (us), burst.
-- Returns {allowed (0|1), remaining, reset (us), retry (us)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
if ARGV[1] == 'tb' then
  local interval = math.max(1, math.floor(window / limit))
  local allowance = interval * burst
  local tat = tonumber(redis.call('GET', KEYS[1]) or now)
  if tat < now then tat = now end
  local nxt = tat + interval
  if nxt - now > allowance then
    return {0, 0, tat - now, nxt - now - allowance}
  end
  redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1)
  return {1, math.floor((allowance - (nxt - now)) / interval), nxt - now, 0}
end
local at = math.floor(now / window)
local elapsed = now - at * window
local state = redis.call('HMGET', KEYS[1], 'i', 'p', 'c')
local index = tonumber(state[1]) or -1
local previous = tonumber(state[2]) or 0
local current = tonumber(state[3]) or 0
if index ~= at then
  if index == at - 1 then previous = current else previous = 0 end
  current = 0
end
local left = window - elapsed
local estimate = previous * left / window + current
if estimate + 1 > limit then
  local retry
  if current + 1 <= limit then
    retry = math.ceil(left - window * (limit - current - 1) / previous)
  else
    retry = math.ceil(left + math.max(0, window - window * (limit - 1) / current))
  end
  if index ~= at then
    redis.call('HSET', KEYS[1], 'i', string.format('%d', at), 'p', previous, 'c', current)
    redis.call('PEXPIRE', KEYS[1], math.floor(2 * window / 1000) + 1)
  end
  return {0, 0, left, retry}
end
current = current + 1
redis.call('HSET', KEYS[1], 'i', string.format('%d', at), 'p', previous, 'c', current)
redis.call('PEXPIRE', KEYS[1], math.floor(2 * window / 1000) + 1)
return {1, math.floor(limit - estimate - 1), left, 0}
