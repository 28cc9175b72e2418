-- wrk script: POST /v1/match {"pdq": "<64 hex>"}, rotating over the query
-- hashes in the file $MODERATO_BENCH_QUERIES (one per line; gen_bank.py writes
-- hit.txt, queries that each match one planted bank hash, and miss.txt,
-- random queries that match nothing). The API key comes from
-- $MODERATO_BENCH_TOKEN (bench/server/run.sh sets both).
-- Usage: MODERATO_BENCH_TOKEN=... MODERATO_BENCH_QUERIES=hit.txt \
--          wrk -t2 -c64 -d10s --latency -s match.lua http://HOST:PORT
local token = os.getenv("MODERATO_BENCH_TOKEN")
-- Optional pacing for the soak: each connection waits this long between requests.
local delay_ms = tonumber(os.getenv("MODERATO_BENCH_DELAY_MS") or "")
local path = os.getenv("MODERATO_BENCH_QUERIES")
if token == nil or token == "" then
  error("set MODERATO_BENCH_TOKEN to an API key allowed to call /v1/match")
end
if path == nil or path == "" then
  error("set MODERATO_BENCH_QUERIES to a file of PDQ hashes (64 hex digits per line)")
end

-- $MODERATO_BENCH_TOKEN may hold several keys separated by commas (run.sh's
-- BENCH_KEYS, for servers whose per-key rate limit cannot be turned off):
-- requests cycle through them.
local tokens = {}
for t in token:gmatch("[^,]+") do tokens[#tokens + 1] = t end

local requests = {}
local n = 0
local counter = 0

function init(args)
  local hashes = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local h = line:match("^%s*(%x+)%s*$")
    if h and #h == 64 then hashes[#hashes + 1] = h end
  end
  f:close()
  if #hashes == 0 then error("no 64-hex-digit PDQ hashes in " .. path) end
  -- One pre-formatted request per (key, hash); consecutive requests change hash.
  for _, tok in ipairs(tokens) do
    local headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. tok,
    }
    for _, h in ipairs(hashes) do
      requests[#requests + 1] = wrk.format("POST", "/v1/match", headers, '{"pdq":"' .. h .. '"}')
    end
  end
  n = #requests
  counter = math.random(n)
end

function request()
  counter = counter % n + 1
  return requests[counter]
end

if delay_ms then
  function delay()
    return delay_ms
  end
end
