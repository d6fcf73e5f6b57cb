-- wrk script of bench/web.py: cycles through a list of requests and counts wrong answers.
--
-- Arguments after --: the list, a text file with one request a line, tab-separated (the path,
-- then any number of "Header: value" fields, e.g. /groups/scale-00001/<TAB>Cookie: sessionid=abc),
-- and the status every answer must have (200, or 304 for conditional requests).
-- Each thread starts at another place in the list, so the connections ask different things.
-- done() prints one line of JSON that bench/web.py reads.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests_list = {}
  expected = tonumber(args[2] or "200")
  for line in io.lines(args[1]) do
    local fields = {}
    for field in string.gmatch(line, "[^\t]+") do
      table.insert(fields, field)
    end
    local headers = {}
    for i = 2, #fields do
      local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
      headers[name] = value
    end
    table.insert(requests_list, wrk.format("GET", fields[1], headers))
  end
  position = (id * 7919) % #requests_list
  wrong = 0
  wrong_sample = ""
end

function request()
  position = position % #requests_list + 1
  return requests_list[position]
end

function response(status, headers, body)
  if status ~= expected then
    wrong = wrong + 1
    if wrong_sample == "" then
      wrong_sample = "HTTP " .. status
    end
  end
end

function done(summary, latency, requests)
  local wrong_total = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    wrong_total = wrong_total + thread:get("wrong")
    local s = thread:get("wrong_sample")
    if sample == "" and s ~= nil then sample = s end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "wrong_status": %d, "wrong_sample": "%s", '
      .. '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, '
      .. '"max_us": %d}\n',
    summary.requests, summary.duration, wrong_total, sample,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end
