-- wrk script of the ACS load test (Benchmarks/load.sh): POST /saml/acs, each request with the next prepared form
-- body of this thread (DIR/bodies.K, one a line, each used once, read as it goes so that starting costs nothing),
-- counting 303 answers (a completed login) and any other status. When a thread's bodies run out it sends
-- GET /healthz instead, counted as `exhausted` and, by its status, as an error: size the run so that it never
-- happens. usage: wrk … -s load.lua URL -- DIR
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = assert(io.open(args[1] .. "/bodies." .. id, "r"))
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  fallback = wrk.format("GET", "/healthz")
  answered303 = 0
  other_status = 0
  exhausted = 0
  -- wrk calls request() once on thread 0 to check the script before the run: give that call the fallback, so that
  -- no prepared body is spent on it.
  checking = (id == 0)
end

function request()
  if checking then
    checking = false
    return fallback
  end
  local body = bodies:read("*l")
  if body == nil then
    exhausted = exhausted + 1
    return fallback
  end
  return wrk.format("POST", "/saml/acs", headers, body)
end

function response(status, headers, body)
  if status == 303 then
    answered303 = answered303 + 1
  else
    other_status = other_status + 1
  end
end

function done(summary, latency, requests)
  local ok, other, ex = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("answered303")
    other = other + thread:get("other_status")
    ex = ex + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"requests":%d,"durationMicroseconds":%d,"answered303":%d,"otherStatus":%d,"exhausted":%d,' ..
    '"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,' ..
    '"latencyMicroseconds":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, ok, other, ex, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
