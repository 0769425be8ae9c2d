-- An authenticated GET of the path given as the third argument.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
require("common")
bench_name = "read"

function init(args)
  common_init(args)
  path = args[3]
  bench_name = args[4] or "read"
end

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
