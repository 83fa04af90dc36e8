-- wrk script for soak.sh: POST GitHub-style push webhooks (about 1 KiB) at a fixed rate.
-- SOAK_RATE (requests/s over all connections) and SOAK_CONNECTIONS come from the environment;
-- each connection waits connections/rate seconds between requests (wrk's delay hook), so the
-- offered rate stays at or just under SOAK_RATE instead of as fast as the server answers.
local rate = tonumber(os.getenv("SOAK_RATE") or "500")
local connections = tonumber(os.getenv("SOAK_CONNECTIONS") or "50")
local filler = string.rep("x", 900)
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"

function setup(thread)
  thread:set("prefix", tostring(math.random(1, 1000000000)))
end

function request()
  counter = counter + 1
  local body = '{"ref":"refs/heads/main","n":' .. counter .. ',"repository":{"full_name":"soak/svc-'
    .. (counter % 100) .. '"},"fill":"' .. filler .. '"}'
  -- A unique delivery id per request: every one is a new event, none a duplicate.
  wrk.headers["X-GitHub-Delivery"] = prefix .. "-" .. counter
  return wrk.format(nil, nil, nil, body)
end

function delay()
  return 1000 * connections / rate
end
