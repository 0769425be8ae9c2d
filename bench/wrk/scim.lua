-- SCIM as an identity provider drives it: Okta's lookup before it creates
-- (`filter=userName eq "…"`) or a PATCH of one attribute, on a random one
-- of the seeded Users.
-- Script args (after "--"): <file with the directory token> <run-id>
--   <filter|patch> <tenant id> <lowest member id> <highest member id>
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
require("common")
bench_name = "scim"

function init(args)
  common_init(args)
  mode = args[3]
  tenant = args[4]
  lo, hi = tonumber(args[5]), tonumber(args[6])
  bench_name = "scim-" .. mode
  math.randomseed(os.time() + tid)
end

function request()
  local n = math.random(lo, hi)
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/scim+json" }
  if mode == "filter" then
    local path = string.format("/scim/v2/%s/Users?filter=userName%%20eq%%20%%22s%d%%40seed.test%%22", tenant, n)
    return wrk.format("GET", path, headers)
  end
  seq = seq + 1
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"%s %d"}]}',
    run_id, seq)
  return wrk.format("PATCH", string.format("/scim/v2/%s/Users/u%d", tenant, n), headers, body)
end
