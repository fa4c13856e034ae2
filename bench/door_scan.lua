-- wrk script for the door's check-in API: POSTs {code, door, nonce}, one code per request.
-- Usage: wrk -s bench/door_scan.lua URL -- SECRETS_FILE MODE TOKEN RUN_TAG
--   MODE unique: each request takes the next unused code (first scans); repeat: cycles over the file.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  secrets = {}
  for line in io.lines(args[1]) do secrets[#secrets + 1] = line end
  mode, token, tag = args[2], args[3], args[4]
  nthreads = tonumber(args[5])
  results = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local i = counter * nthreads + id
  counter = counter + 1
  local secret = secrets[(i % #secrets) + 1]
  local body = '{"code": "' .. secret .. '", "door": "Bench gate", "nonce": "' .. tag .. "-" .. id .. "-" .. counter .. '"}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  local key
  if status == 200 then
    key = string.match(body, '"result": "([%w_]+)"') or "unparsed"
  else
    key = "http_" .. status
  end
  results[key] = (results[key] or 0) + 1
end

function done(summary, latency, requests)
  local classes = {}
  for _, thread in ipairs(threads) do
    local r = thread:get("results")
    for k, v in pairs(r) do classes[k] = (classes[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(classes) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "non_2xx": %d, "classes": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status, table.concat(parts, ", ")))
end
