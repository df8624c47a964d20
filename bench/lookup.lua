-- wrk script for bench_lookup.py: `wrk ... -s lookup.lua URL -- FILE` requests
-- GET /api/v1/certificates/{number} with numbers drawn at random from FILE (one a line);
-- `-- healthz` requests GET /healthz; `-- FILE conditional` sends each lookup with
-- `If-None-Match: *` (answered 304 Not Modified from the certificate's stored version). It counts
-- unexpected answers (wrk itself counts only >= 400) and prints one machine-readable line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  numbers = {}
  non2xx = 0
  conditional = args[2] == "conditional"
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
  local headers = nil
  if conditional then
    headers = { ["If-None-Match"] = "*" }
  end
  return wrk.format("GET", "/api/v1/certificates/" .. numbers[math.random(#numbers)], headers)
end

function response(status, headers, body)
  local expected = status >= 200 and status <= 299
  if conditional then
    expected = status == 304
  end
  if not expected then
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
