-- Appended to wrk_report.lua for "every query new": each request gets its own URL (the same
-- search, with a parameter the view ignores), so that no answer can come from the page cache.
local sent = 0

function setup(thread)
  threads_started = (threads_started or 0) + 1
  thread:set("thread_number", threads_started)
end

function request()
  sent = sent + 1
  return wrk.format(nil, wrk.path .. "&bench=" .. thread_number .. "-" .. sent)
end
