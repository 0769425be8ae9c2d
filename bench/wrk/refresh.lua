-- The OpenID token endpoint's refresh grant, with rotation as a client
-- does it: every answer's new refresh token goes back in the queue, and a
-- token is never sent twice (a reuse would end its family).
-- Script args (after "--"): <file: "Basic …" line, then one refresh token
-- per line (at least as many as connections)> <run-id>
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
require("common")
bench_name = "refresh"

local queue = {}
local basic

function init(args)
  local f = assert(io.open(args[1], "r"))
  basic = f:read("*l")
  for line in f:lines() do
    table.insert(queue, line)
  end
  f:close()
end

function request()
  local token = table.remove(queue, 1) or "exhausted"
  return wrk.format("POST", "/oauth/token", {
    ["Authorization"] = basic,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=refresh_token&refresh_token=" .. token)
end

local tally = response
function response(status, headers, body)
  tally(status, headers, body)
  local token = status == 200 and string.match(body, '"refresh_token":"([^"]+)"')
  if token then
    table.insert(queue, token)
  end
end
