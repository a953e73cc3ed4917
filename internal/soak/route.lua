-- One route of the example server under wrk, for `make soak`
-- (internal/soak). When SOAK_TOKEN is set, every request carries it as a
-- bearer token. Each thread counts the statuses it gets; done() prints the
-- totals as "soak-status <code> <count>" lines, which the driver parses.

local token = os.getenv("SOAK_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("soak-status %d %d\n", code, n))
  end
end
