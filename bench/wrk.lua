-- bench/wrk.lua: the wrk script of bench/run, one file for every case.
-- Configured through the environment (read in every wrk Lua state):
--
--   BENCH_MODE=get      plain requests as given on the wrk command line (-H);
--                       only done() is defined, so wrk keeps its fast path
--                       (no per-response Lua call, no body parsing).
--   BENCH_MODE=post     the same fast path for a POST of the JSON BENCH_BODY
--                       (Content-Type: application/json; other headers, such
--                       as Authorization, from the wrk command line).
--   BENCH_MODE=login    POST /accounts/login/ with BENCH_LOGIN_ID and
--                       BENCH_PASSWORD; every refresh token of a 200 answer is
--                       written, one per line, to BENCH_OUT.
--   BENCH_MODE=refresh  POST /accounts/token_refresh/, each request with a
--                       refresh token never presented before: thread i of
--                       BENCH_THREADS takes lines i, i+n, i+2n, ... of
--                       BENCH_TOKENS (so no two threads share one), then the
--                       tokens that its own 200 answers handed back (each is
--                       fresh: rotation issues the next one of the family).
--                       A thread that runs dry sends "refresh": "exhausted"
--                       (a 401 that revokes nothing) and counts it.
--   BENCH_MODE=like     likes and unlikes posts BENCH_LIKE_FIRST ..
--                       BENCH_LIKE_FIRST + BENCH_LIKE_COUNT - 1 (ids the bench
--                       user has not liked and does not own): thread i takes
--                       every n-th id from the i-th, POST /api/posts/{id}/like/
--                       over its ids, then DELETE over them, then POST again...
--                       so every request changes a row (no 409 counted as
--                       work). An id comes back only after the thread's other
--                       ids: far more than its connections, so a like has
--                       always been answered before its unlike is sent.
--   BENCH_MODE=mix      the soak: each thread goes round the requests of the
--                       file BENCH_MIX ("GET /path", "POST /path JSON" or
--                       "LIKE", one a line; a line repeated weighs more),
--                       "LIKE" being the next request of the like mode, and
--                       stops after BENCH_REQUESTS / BENCH_THREADS answers,
--                       leaving a file thread-<i> in the directory BENCH_DONE.
--
-- done() prints one line that bench/run parses:
--   BENCH requests=N duration_us=N ok=N non2xx=N sockerr=N p50_us=N p99_us=N p999_us=N
--         codes=200:N,401:N exhausted=N lost=N sockdetail=connect:N,read:N,write:N,timeout:N
-- lost: in like and mix mode, the likes answered 404 (an unlike) or 409 (a
--   like): the request before it on that id never reached the server (httpd
--   closed the keep-alive connection it was sent on: a read error), so the
--   like was not there to remove, or still there. bench/run forgives as many
--   of them as there were read and write errors.
-- ok and codes are exact in login, refresh, like and mix mode (response() sees
-- every status); in get and post mode non2xx is wrk's own count of statuses
-- >= 400.

local mode = os.getenv("BENCH_MODE") or "get"
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

local function refresh_of(body)
    return body and body:match('"refresh"%s*:%s*"([^"]+)"')
end

-- every status, and the 2xx ones as ok
local function count_status(status)
    codes[status] = (codes[status] or 0) + 1
    if status >= 200 and status <= 299 then ok = ok + 1 end
end

-- count_status, and a like's 404 or 409 as lost (see the top)
local function count_like_status(status)
    count_status(status)
    if status == 404 or status == 409 then lost = lost + 1 end
end

-- wrk_checks(): true once, on the first call in thread 1. wrk (4.1) calls
-- the first thread's request() once before the run, to check what it
-- returns, and never sends that request: a request function that moves on
-- at each call (a like, then its unlike) must not move on for it, or the
-- like of that thread's first post is never sent and its unlike answers 404.
local checked = false
local function wrk_checks()
    if checked or id ~= 1 then return false end
    checked = true
    return true
end

-- like_requests(): a function that returns the next like or unlike request
-- of this thread (see BENCH_MODE=like)
local function like_requests()
    local first = tonumber((assert(os.getenv("BENCH_LIKE_FIRST"), "BENCH_LIKE_FIRST is not set")))
    local n = tonumber((assert(os.getenv("BENCH_LIKE_COUNT"), "BENCH_LIKE_COUNT is not set")))
    local step = tonumber(os.getenv("BENCH_THREADS"))
    local ids = {}
    for i = first + id - 1, first + n - 1, step do ids[#ids + 1] = i end
    assert(#ids > 0, "no post ids to like")
    local at, method = 0, "POST"
    return function()
        if wrk_checks() then return wrk.format("GET", "/") end
        at = at + 1
        if at > #ids then
            at = 1
            method = (method == "POST") and "DELETE" or "POST"
        end
        return wrk.format(method, "/api/posts/" .. ids[at] .. "/like/")
    end
end

function init(args)
    codes = {}
    ok = 0
    exhausted = 0
    lost = 0

    if mode == "post" then
        -- set before wrk formats the one request every connection repeats
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
    elseif mode == "login" then
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = string.format('{"login_id": "%s", "password": "%s"}',
            os.getenv("BENCH_LOGIN_ID"), os.getenv("BENCH_PASSWORD"))
        tokens = {}
        response = function(status, headers, body)
            codes[status] = (codes[status] or 0) + 1
            if status == 200 then
                local t = refresh_of(body)
                if t then
                    ok = ok + 1
                    tokens[#tokens + 1] = t
                end
            end
        end
    elseif mode == "refresh" then
        local n = tonumber(os.getenv("BENCH_THREADS"))
        local me = id - 1
        local queue, head, tail = {}, 1, 0
        local i = 0
        for line in io.lines(os.getenv("BENCH_TOKENS")) do
            if line ~= "" then
                if i % n == me then
                    tail = tail + 1
                    queue[tail] = line
                end
                i = i + 1
            end
        end
        local headers = { ["Content-Type"] = "application/json" }
        request = function()
            local t
            if head <= tail then
                t = queue[head]
                queue[head] = nil
                head = head + 1
            else
                t = "exhausted"
                exhausted = exhausted + 1
            end
            return wrk.format("POST", nil, headers, '{"refresh": "' .. t .. '"}')
        end
        response = function(status, headers, body)
            codes[status] = (codes[status] or 0) + 1
            if status == 200 then
                ok = ok + 1
                local t = refresh_of(body)
                if t then
                    tail = tail + 1
                    queue[tail] = t
                end
            end
        end
    elseif mode == "like" then
        request = like_requests()
        response = count_like_status
    elseif mode == "mix" then
        local like = like_requests()
        local json = { ["Content-Type"] = "application/json" }
        for k, v in pairs(wrk.headers) do json[k] = v end
        local list = {}
        for line in io.lines((assert(os.getenv("BENCH_MIX"), "BENCH_MIX is not set"))) do
            local method, path, body = line:match("^(%u+)%s+(%S+)%s*(.*)$")
            if line == "LIKE" then
                list[#list + 1] = like
            elseif method == "GET" then
                local req = wrk.format("GET", path)
                list[#list + 1] = function() return req end
            elseif method == "POST" then
                local req = wrk.format("POST", path, json, body)
                list[#list + 1] = function() return req end
            elseif line ~= "" then
                error("BENCH_MIX: cannot read line '" .. line .. "'")
            end
        end
        assert(#list > 0, "BENCH_MIX has no request")
        local quota = math.ceil(tonumber(os.getenv("BENCH_REQUESTS")) / tonumber(os.getenv("BENCH_THREADS")))
        local at, answered = id - 1, 0
        request = function()
            if wrk_checks() then return wrk.format("GET", "/") end
            at = at % #list + 1
            return list[at]()
        end
        response = function(status)
            count_like_status(status)
            answered = answered + 1
            if answered == quota then
                -- tell bench/run (wrk itself sleeps its -d out)
                local f = io.open(os.getenv("BENCH_DONE") .. "/thread-" .. id, "w")
                if f then f:close() end
                wrk.thread:stop()
            end
        end
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    local total_ok, total_exhausted, total_lost, all = 0, 0, 0, {}
    local out = (mode == "login") and assert(io.open(os.getenv("BENCH_OUT"), "w"))
    for _, t in ipairs(threads) do
        total_ok = total_ok + (t:get("ok") or 0)
        total_exhausted = total_exhausted + (t:get("exhausted") or 0)
        total_lost = total_lost + (t:get("lost") or 0)
        for status, count in pairs(t:get("codes") or {}) do
            all[status] = (all[status] or 0) + count
        end
        if out then
            for _, tok in ipairs(t:get("tokens") or {}) do
                out:write(tok, "\n")
            end
        end
    end
    if out then out:close() end

    local codes, non2xx = {}, 0
    for status, count in pairs(all) do
        codes[#codes + 1] = status .. ":" .. count
        if status < 200 or status > 299 then non2xx = non2xx + count end
    end
    table.sort(codes)
    if mode == "get" or mode == "post" then
        total_ok = summary.requests - e.status
        non2xx = e.status
    end
    io.write(string.format(
        "BENCH requests=%d duration_us=%d ok=%d non2xx=%d sockerr=%d p50_us=%d p99_us=%d p999_us=%d"
            .. " codes=%s exhausted=%d lost=%d sockdetail=connect:%d,read:%d,write:%d,timeout:%d\n",
        summary.requests, summary.duration, total_ok, non2xx,
        e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
        #codes > 0 and table.concat(codes, ",") or "-", total_exhausted, total_lost,
        e.connect, e.read, e.write, e.timeout))
end
