-- wrk script for bench_lookup.py: `wrk ... -s lookup.lua URL -- FILE` requests
-- GET /api/v1/certificates/{number} with numbers drawn at random from FILE (one a line);
-- `-- healthz` requests GET /healthz. It counts non-2xx answers (wrk itself counts only >= 400)
-- and prints one machine-readable line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  numbers = {}
  non2xx = 0
  if args[1] ~= "healthz" then
    for line in io.lines(args[1]) do
      numbers[#numbers + 1] = line
    end
  end
  math.randomseed(2021 + thread_number)
end

function request()
  if #numbers == 0 then
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("GET", "/api/v1/certificates/" .. numbers[math.random(#numbers)])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    "GREENCERT requests=%d duration_us=%d non2xx=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
