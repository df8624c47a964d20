-- wrk script for bench_lookup.py: `wrk ... -s lookup.lua URL -- PATH [FILE]` requests PATH, or,
-- with FILE, PATH followed by a number drawn at random from FILE (one a line), e.g.
-- `-- /api/v1/certificates/ numbers.txt`, `-- /verify/ numbers.txt`, `-- /healthz`.
-- It counts answers outside 200-399 (wrk itself counts only >= 400; `/V/{n}` answers with a
-- redirect to the verify page) and prints one machine-readable line at the end. A third argument
-- `conditional` sends each request with `If-None-Match: *` and expects 304 Not Modified (answered
-- from the certificate's stored version); any other answer then counts as bad.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  path = args[1]
  numbers = {}
  bad = 0
  conditional = args[3] == "conditional"
  if args[2] ~= nil then
    for line in io.lines(args[2]) do
      numbers[#numbers + 1] = line
    end
  end
  math.randomseed(2021 + thread_number)
end

function request()
  if #numbers == 0 then
    return wrk.format("GET", path)
  end
  local headers = nil
  if conditional then
    headers = { ["If-None-Match"] = "*" }
  end
  return wrk.format("GET", path .. numbers[math.random(#numbers)], headers)
end

function response(status, headers, body)
  local expected = status >= 200 and status <= 399
  if conditional then
    expected = status == 304
  end
  if not expected then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "GREENCERT requests=%d duration_us=%d bad=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, total_bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
