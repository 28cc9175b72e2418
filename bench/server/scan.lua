-- wrk script: POST /v1/scan with a ~200-byte neutral news-like text, rotating
-- over 9 texts (English, French, Arabic) request by request.
-- The API key comes from $MODERATO_BENCH_TOKEN (bench/server/run.sh sets it).
-- Usage: MODERATO_BENCH_TOKEN=... wrk -t2 -c64 -d10s --latency -s scan.lua http://HOST:PORT
local token = os.getenv("MODERATO_BENCH_TOKEN")
-- Optional pacing for the soak: each connection waits this long between requests.
local delay_ms = tonumber(os.getenv("MODERATO_BENCH_DELAY_MS") or "")
if token == nil or token == "" then
  error("set MODERATO_BENCH_TOKEN to an API key allowed to call /v1/scan")
end

-- Neutral texts of about 200 bytes each (UTF-8; the Arabic ones are ~110
-- letters, 2 bytes each). None contains a lexicon term on purpose: this is
-- the common case of ordinary posts; the analysis still runs in full
-- (normalisation, language id, lexicon scan, classifier, policy).
local texts = {
  "The city council approved a new budget for public libraries on Tuesday, adding funds for longer opening hours, more children's books and free evening classes for adults who want to learn computing.",
  "Heavy rain is expected across the northern region this weekend. Forecasters advise drivers to check road conditions before travelling and to allow extra time for journeys on rural routes near rivers.",
  "The local football club opened its new training ground after two years of work. Volunteers planted trees around the pitches, and the youth teams will start their spring season there next month.",
  "Le conseil municipal a voté mardi un nouveau budget pour les bibliothèques publiques, avec des horaires élargis, davantage de livres pour enfants et des cours du soir gratuits d'informatique.",
  "De fortes pluies sont attendues ce week-end dans le nord du pays. Les services météo conseillent aux automobilistes de vérifier l'état des routes avant de partir et de prévoir plus de temps.",
  "Le marché du samedi accueille désormais des producteurs de la région : fromages, légumes de saison et pain au levain. La mairie prévoit aussi des animations musicales pour les familles.",
  "وافق المجلس البلدي يوم الثلاثاء على ميزانية جديدة للمكتبات العامة تشمل ساعات عمل أطول ودروسا مسائية مجانية.",
  "يتوقع خبراء الطقس هطول أمطار غزيرة في المناطق الشمالية هذا الأسبوع، وينصحون السائقين بالحذر على الطرق.",
  "افتتح النادي الرياضي المحلي ملعب التدريب الجديد بعد عامين من العمل، وستبدأ فرق الشباب موسمها هناك قريبا.",
}

-- $MODERATO_BENCH_TOKEN may hold several keys separated by commas (run.sh's
-- BENCH_KEYS, for servers whose per-key rate limit cannot be turned off):
-- requests cycle through them.
local tokens = {}
for t in token:gmatch("[^,]+") do tokens[#tokens + 1] = t end

local requests = {}
local n = 0
local counter = 0

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function init(args)
  -- One pre-formatted request per (key, text); consecutive requests change text.
  for _, tok in ipairs(tokens) do
    local headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. tok,
    }
    for _, t in ipairs(texts) do
      local body = '{"text":' .. json_string(t) .. ',"source":"bench"}'
      requests[#requests + 1] = wrk.format("POST", "/v1/scan", headers, body)
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
