-- POST /api/v1/registration/invite, a new email for every request.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
require("common")
bench_name = "invite"

function init(args)
  common_init(args)
  url = args[3]
end

function request()
  seq = seq + 1
  local body = string.format(
    '{"email":"inv-%s-t%d-%d@bench.test","roles":["extractor-viewer"],"url":"%s"}',
    run_id, tid, seq, url)
  return wrk.format("POST", "/api/v1/registration/invite", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
