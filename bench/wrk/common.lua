-- Shared by Portico's wrk scripts: a bearer token read from a file, a
-- status tally, and one machine-readable RESULT line at the end.
-- Script args (after "--"): <token-file> <run-id>
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

ok, bad = 0, 0

function common_init(args)
  local f = assert(io.open(args[1], "r"))
  token = f:read("*l")
  f:close()
  run_id = args[2] or "run"
  seq = 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    if bad <= 3 then io.stderr:write("non-2xx " .. status .. ": " .. string.sub(body or "", 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local tot_ok, tot_bad = 0, 0
  for _, t in ipairs(threads) do
    tot_ok = tot_ok + t:get("ok")
    tot_bad = tot_bad + t:get("bad")
  end
  local e = summary.errors
  local sock = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT name=%s requests=%d ok=%d errors=%d elapsed_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    bench_name, summary.requests, tot_ok, tot_bad + sock, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
