#!/usr/bin/env python3
"""t/browser/client.py: the web client (web/) driven in headless Chromium.

Run by build/test's browser stage against a build/run server (SQLite, demo
data). Walks what a student does: sign up (school picker), log in, write a
post with an image (upload progress), comment and reply, see it in the
board's list, like, scrap and report it as someone else, send a 쪽지, build a
timetable and see its blocks on the week grid, be refused a clashing course
with the server's message, grade a course, make a friend and see their
timetable, visit every other screen, live through a 503 (the database
locked), a refused access token (refreshed once), a refused refresh token
and a 429, log out and find that
"back" leads to the login screen and the old token answers 401. Where a
route is not on this server yet, the screen must say "준비 중". Then the cross-origin check: a page of a listed origin
(EverytimeCORSOrigins) reads the API with credentials, a page of another
origin cannot. A screenshot of each screen goes to --shots.

Prints TAP ("ok N - what"), then "browser: P passed, F failed"; exits 1 on
any failure.
"""
import argparse
import json
import os
import sqlite3
import struct
import sys
import time
import traceback
import urllib.error
import urllib.request
import zlib

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

args = None
driver = None
counts = {"passed": 0, "failed": 0}
shot_no = [0]


def check(name, fn):
    """One check: fn() raising or returning False fails it; the rest go on."""
    n = counts["passed"] + counts["failed"] + 1
    try:
        result = fn()
        ok = result is not False
        detail = ""
    except Exception as e:  # a failed check must not stop the others
        ok = False
        detail = f"{type(e).__name__}: {e}".splitlines()[0][:300]
        traceback.print_exc(file=sys.stdout)
    counts["passed" if ok else "failed"] += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}{'' if ok else ' # ' + detail}", flush=True)
    if not ok:
        shot(f"failed-{n}")
    return ok


def shot(name):
    shot_no[0] += 1
    path = os.path.join(args.shots, f"browser-{shot_no[0]:02d}-{name}.png")
    try:
        driver.save_screenshot(path)
    except WebDriverException:
        pass
    return path


def wait(cond, timeout=10):
    return WebDriverWait(driver, timeout).until(cond)


def css(selector, timeout=10):
    return wait(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), timeout)


def tap(el):
    """Clicks an element scrolled to the middle of the window, clear of the sticky header."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()
    return el


def click(selector, timeout=10):
    return tap(wait(EC.element_to_be_clickable((By.CSS_SELECTOR, selector)), timeout))


def text_in(selector, text, timeout=10):
    return wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text), timeout)


def route(hash_path):
    driver.get(f"{args.base}/#{hash_path}")


def settled():
    """The screen finished loading (the shell's "불러오는 중…" is gone)."""
    wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.view")
         and not d.find_elements(By.CSS_SELECTOR, "section.view > p.muted:only-child"))


def api(method, path, body=None, token=None):
    """The API itself (not through the browser): status and parsed body."""
    req = urllib.request.Request(args.base + "/api" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


def tokens():
    return driver.execute_script("return JSON.parse(localStorage.getItem('everytime.tokens'))")


def png(path, w=64, h=48):
    """A small red-and-white PNG, made here: nothing is fetched."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"".join(b"\xc6\x29\x17" if (x // 8 + y // 8) % 2 else b"\xff\xff\xff"
                                       for x in range(w)) for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def login_ui(login_id, password):
    route("/login")
    form = css("#login-form")
    for name, value in (("login_id", login_id), ("password", password)):
        field = form.find_element(By.NAME, name)
        driver.execute_script("arguments[0].value = ''", field)
        field.send_keys(value)
    tap(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    css("#boards")


def logout_ui():
    tap(css("#logout"))
    css("#login-form")


def main():
    global args, driver
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)            # http://127.0.0.1:PORT
    p.add_argument("--listed-origin", required=True)   # in EverytimeCORSOrigins, same httpd
    p.add_argument("--unlisted-origin", required=True)
    p.add_argument("--shots", required=True)
    p.add_argument("--db", required=True)               # the server's SQLite database
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = p.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    stamp = str(int(time.time()))[-7:]
    new_id, new_pw = f"web{stamp}", "browser-pass-42"
    image = os.path.join(args.shots, "upload.png")
    png(image)

    opts = webdriver.ChromeOptions()
    opts.binary_location = args.chromium
    for a in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1000",
              "--lang=ko-KR", "--no-first-run", "--disable-extensions", "--disable-background-networking",
              "--disable-sync", "--disable-component-update", "--disable-default-apps"):
        opts.add_argument(a)
    if os.geteuid() == 0:  # (build/test runs this as its test user; by hand as root:)
        opts.add_argument("--no-sandbox")
    opts.add_experimental_option("prefs", {"intl.accept_languages": "ko-KR,ko"})
    driver = webdriver.Chrome(service=Service(args.chromedriver), options=opts)
    driver.set_page_load_timeout(20)
    try:
        run(new_id, new_pw, image)
    finally:
        driver.quit()
    print(f"browser: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


def run(new_id, new_pw, image):
    ctx = {}

    # ---- sign up and log in ------------------------------------------------------
    def login_screen():
        route("/")
        css("#login-form")  # not signed in: any screen leads here
        text_in("#login-form h1", "로그인")
        assert driver.execute_script("return document.documentElement.lang") == "ko"
        shot("login")
    check("not signed in, / shows the Korean login screen", login_screen)

    def signup():
        tap(css("#to-signup"))
        form = css("#signup-form")
        picker = Select(form.find_element(By.NAME, "school_id"))
        wait(lambda d: len(picker.options) > 1)
        picker.select_by_visible_text("서울대학교")
        Select(form.find_element(By.NAME, "admission_year")).select_by_value("2024")
        for name, value in (("login_id", new_id), ("password", new_pw), ("email", f"{new_id}@snu.ac.kr"),
                            ("nickname", f"브라우저{new_id[-4:]}")):
            form.find_element(By.NAME, name).send_keys(value)
        shot("signup")
        tap(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        text_in("#boards h1", "서울대학교")
        shot("boards")
    check("sign up with the school picker, then the school's boards", signup)

    def relogin():
        logout_ui()
        login_ui(new_id, new_pw)
        assert tokens()["access"] and tokens()["refresh"]
    check("log out, log in again (Bearer pair stored)", relogin)

    def board():
        link = css(".board-link")
        ctx["board_name"] = link.text
        tap(link)
        css("#board .post-item")
        ctx["board_url"] = driver.current_url
        shot("board")
        n = len(driver.find_elements(By.CSS_SELECTOR, ".post-item"))
        assert n == 20, n  # a page; the demo board has more: "더 보기" follows the cursor
        tap(css("#more"))
        wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".post-item")) > n)
        driver.execute_script("window.scrollTo(0, 0)")
    check("a board's posts, and 더 보기 loads the next page", board)

    # ---- a post with an image, comments, a reply ------------------------------------
    def write():
        click("#write")
        form = css("#write-form")
        ctx["title"] = f"브라우저 테스트 글 {new_id}"
        form.find_element(By.NAME, "title").send_keys(ctx["title"])
        form.find_element(By.NAME, "content").send_keys("사진과 함께 올리는 글입니다.\n둘째 줄.")
        anon = form.find_elements(By.ID, "anonymous")
        if anon:
            tap(anon[0])
        driver.find_element(By.ID, "images").send_keys(image)
        css(".previews img")
        shot("write")
        # the progress bar's values, as the XHR upload reports them (the page
        # moves on to the post when the upload ends; the document stays)
        driver.execute_script("""window.seenProgress = [];
            new MutationObserver((ms) => ms.forEach((m) => {
              if (m.target.id === 'upload-progress') window.seenProgress.push(m.target.value);
            })).observe(document.body, {attributes: true, subtree: true, attributeFilter: ['value']});""")
        tap(driver.find_element(By.ID, "submit-post"))
        css("#post")
        text_in("#post .post-title", ctx["title"])
        ctx["post_id"] = driver.find_element(By.ID, "post").get_attribute("data-id")
        img = css("#post img.post-image")
        wait(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 64)
    check("write a post with an image: uploaded, shown on the post", write)

    def progress():
        seen = driver.execute_script("return window.seenProgress")
        assert seen and seen[-1] == 1, seen
        status, post = api("GET", f"/posts/{ctx['post_id']}/")
        assert status == 200 and len(post["media"]) == 1, post
        assert post["media"][0]["content_type"] == "image/png"
    check("the upload's progress bar reached 100%; the image is the post's media", progress)

    def comment():
        box = css("#post .comment-form:not(.reply-form)")
        box.find_element(By.NAME, "content").send_keys("첫 댓글입니다")
        tap(box.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        text_in("#comments", "첫 댓글입니다")
        item = driver.find_element(By.CSS_SELECTOR, "#comments > li.comment")
        tap(item.find_element(By.CSS_SELECTOR, ".reply-button"))
        reply = css("#comments .reply-form")
        reply.find_element(By.NAME, "content").send_keys("대댓글입니다")
        tap(reply.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        text_in("#comments li.comment.reply", "대댓글입니다")
        # the anonymous post's author, commenting anonymously (API.md)
        author = driver.find_element(By.CSS_SELECTOR, "#comments > li.comment .author").text
        assert author == "익명(글쓴이)", author
        shot("post")
    check("comment, and reply to it (shown under the comment)", comment)

    def unavailable():
        # the database really busy: another writer holds SQLite's write lock,
        # the module gives up after its busy wait and answers 503
        db = sqlite3.connect(args.db, isolation_level=None, timeout=5)
        try:
            db.execute("BEGIN EXCLUSIVE")
            box = css("#post .comment-form:not(.reply-form)")
            box.find_element(By.NAME, "content").send_keys("잠긴 동안의 댓글")
            tap(box.find_element(By.CSS_SELECTOR, "button[type=submit]"))
            text_in("#banner", "서버가 잠시 응답하지 않습니다", timeout=30)
            shot("unavailable")
        finally:
            db.execute("ROLLBACK")
            db.close()
        assert "잠긴 동안의 댓글" not in driver.find_element(By.ID, "comments").text
        tap(css("#banner button"))  # 다시 시도: the screen drawn again
        wait(lambda d: not d.find_element(By.ID, "banner").is_displayed())
        css("#post #comments")
    check("503 while the database is locked: the retry banner, and retry draws the screen", unavailable)

    def listed():
        driver.get(ctx["board_url"])
        first = css("#board .post-item .post-title")
        assert first.text == ctx["title"], first.text
        assert driver.find_element(By.CSS_SELECTOR, "#board .post-item .comments").text.endswith("2")
    check("the post first in its board's list, with its 2 comments", listed)

    # ---- someone else likes it and sends a 쪽지 -----------------------------------------
    def like():
        logout_ui()
        login_ui("student1", "everytime123!")
        route(f"/post/{ctx['post_id']}")
        btn = css("#post .post-actions .toggle")
        assert btn.text.endswith("0"), btn.text
        tap(btn)
        text_in("#post .post-actions .toggle.on", "1")
        driver.refresh()
        text_in("#post .post-actions .toggle.on", "1")  # kept: is_liked from the server
    check("student1 likes the post (count 1, kept after a reload)", like)

    def scrap():
        btn = driver.find_elements(By.CSS_SELECTOR, "#post .post-actions .toggle")[1]
        assert btn.text.endswith("0"), btn.text
        tap(btn)
        wait(lambda d: "on" in btn.get_attribute("class").split() and btn.text.endswith("1"))
        status, post = api("GET", f"/posts/{ctx['post_id']}/", token=tokens()["access"])
        assert post["is_scrapped"] and post["scrap_count"] == 1, post
    check("student1 scraps the post (the server counts it)", scrap)

    def report():
        tap(css("#report-post"))
        form = css("#post .report-form")
        Select(form.find_element(By.NAME, "reason")).select_by_value("spam")
        tap(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        # 201 "신고했습니다", or "준비 중" where POST /posts/{id}/report/ is not on this server
        wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#post .report-form .soon")
             or "신고했습니다" in d.find_element(By.TAG_NAME, "body").text)
        assert not driver.find_elements(By.CSS_SELECTOR, "#post .report-form .error")
    check("report the post: reported, or 준비 중 where the route is not on this server", report)

    def message():
        tap(css("#message-author"))
        form = css("#post .message-form")
        form.find_element(By.NAME, "content").send_keys("안녕하세요, 글 잘 봤습니다")
        tap(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        text_in(".flash", "보냈습니다")
        route("/messages")
        text_in("#messages", "안녕하세요, 글 잘 봤습니다")
        tap(css("#messages .conversations a"))
        text_in("#conversation .chat", "안녕하세요")
        shot("messages")
    check("쪽지 to the post's author, in 쪽지함", message)

    # ---- the timetable ------------------------------------------------------------------
    def pick_courses():
        status, page = api("GET", "/courses/?semester=2024-1&limit=100")
        assert status == 200, page
        courses = [c for c in page["results"] if c["slots"]]

        def mins(s):
            h, m = s.split(":")
            return int(h) * 60 + int(m)

        def clash(a, b):
            return any(x["day"] == y["day"] and mins(x["start"]) < mins(y["end"]) and mins(y["start"]) < mins(x["end"])
                       for x in a["slots"] for y in b["slots"])
        a = courses[0]
        b = next(c for c in courses if c["course_info"]["id"] != a["course_info"]["id"] and not clash(a, c))
        c = next(c for c in courses if c["course_info"]["id"] not in (a["course_info"]["id"], b["course_info"]["id"])
                 and clash(a, c) and not clash(b, c))
        ctx["courses"] = (a, b, c)
    check("demo courses of 2024-1 to add (two that fit, one that clashes)", pick_courses)

    def add(course):
        q = css("#course-q")
        q.clear()
        q.send_keys(course["course_info"]["code"])
        tap(driver.find_element(By.CSS_SELECTOR, "#course-search button"))
        tap(css(f"#course-results li[data-course='{course['id']}'] .add-course"))
        # the add redraws the screen (or shows the refusal)

    def timetable():
        a, b, _ = ctx["courses"]
        logout_ui()
        login_ui(new_id, new_pw)  # new this run: no timetable yet
        route("/timetable")
        # the 쪽지 from student1 is an unread notification where the route exists
        status, body = api("GET", "/notifications/?limit=1", token=tokens()["access"])
        if status == 404:
            assert not css("#nav").find_element(By.ID, "badge").is_displayed()
        else:
            assert status == 200 and body["unread_count"] >= 1, (status, body)
            text_in("#badge", str(body["unread_count"]))
        Select(css("#semester")).select_by_value("2024-1")
        tap(css("#timetable[data-semester='2024-1'] #new-timetable"))
        css("#timetable-grid")
        add(a)
        css(f"#timetable-grid .block[data-course='{a['id']}']")
        add(b)
        css(f"#timetable-grid .block[data-course='{b['id']}']")
        blocks = driver.find_elements(By.CSS_SELECTOR, "#timetable-grid .block")
        assert len(blocks) == len(a["slots"]) + len(b["slots"]), len(blocks)
        # each block in its day's column, as tall as the slot
        for blk in blocks:
            day = blk.get_attribute("data-day")
            assert blk.text.split("\n")[0] in (a["course_info"]["title"], b["course_info"]["title"])
            assert day in {s["day"] for s in a["slots"] + b["slots"]}
        shot("timetable")
    check("a 2024-1 timetable: two courses, their blocks on the week grid (and the unread badge)", timetable)

    def refused():
        a, _, c = ctx["courses"]
        add(c)
        err = css("#course-error .error")
        assert a["course_info"]["title"] in err.text, err.text  # the server's 409 names the clash
        assert not driver.find_elements(By.CSS_SELECTOR, f"#timetable-grid .block[data-course='{c['id']}']")
        shot("timetable-clash")
    check("a clashing course refused, the server's message shown", refused)

    def gpa():
        token = tokens()["access"]
        route("/gpa")
        css("#gpa")
        settled()
        status, body = api("GET", "/me/gpa/", token=token)
        if status == 404:
            css("#gpa .soon")
            return
        assert status == 200, (status, body)
        select = Select(css("#gpa select.grade"))
        select.select_by_value("A+")
        want = "4.50" if float(body["scale"]) == 4.5 else "4.30"
        text_in("#gpa-value", want)
        status, body = api("GET", "/me/gpa/", token=token)
        assert f"{float(body['gpa']):.2f}" == want, body
    check("the GPA calculator: an A+ counted, or 준비 중 where the route is not on this server", gpa)

    # ---- a friend and their timetable --------------------------------------------------
    def friend():
        route("/friends")
        form = css("#friend-request")
        form.find_element(By.NAME, "login_id").send_keys("student2")
        tap(form.find_element(By.CSS_SELECTOR, "button"))
        text_in("#friends", "보낸 친구 요청")
        logout_ui()
        login_ui("student2", "everytime123!")
        route("/friends")
        tap(css("#friends button.accept"))
        text_in("#friends .friend-list", new_id)
        item = next(li for li in driver.find_elements(By.CSS_SELECTOR, "#friends .friend-list li") if new_id in li.text)
        tap(item.find_element(By.TAG_NAME, "a"))
        css(f"#friend-timetable .block[data-course='{ctx['courses'][0]['id']}']")
        shot("friend-timetable")
    check("a friend request accepted; the friend's timetable on the grid", friend)

    # ---- the other screens ----------------------------------------------------------------
    for hash_path, sel in (("/hot", "#hot"), ("/popular", "#popular"), ("/best", "#best"),
                           ("/notifications", "#notifications"), ("/gpa", "#gpa"), ("/friends", "#friends")):
        def screen(hash_path=hash_path, sel=sel):
            route(hash_path)
            css(sel)
            settled()
            assert not driver.find_elements(By.CSS_SELECTOR, f"{sel} .error"), driver.find_element(By.CSS_SELECTOR, sel).text
            shot(hash_path.strip("/"))
        check(f"#{hash_path} shows its list, or 준비 중 where the route is not on this server", screen)

    # ---- tokens: a refused access token is refreshed once; a refused refresh ends the session
    def refreshed():
        before = tokens()
        driver.execute_script("""const p = JSON.parse(localStorage.getItem('everytime.tokens'));
            p.access = p.access.slice(0, -4) + 'AAAA';
            localStorage.setItem('everytime.tokens', JSON.stringify(p));""")
        route("/messages")
        css("#messages")
        after = tokens()
        assert after["refresh"] != before["refresh"] and after["access"] != before["access"], "no rotation"
        status, _ = api("POST", "/accounts/token_refresh/", {"refresh": before["refresh"]})
        assert status == 401, status  # spent by the client's refresh (and now the family is revoked)
    check("a refused access token: refreshed once (rotation), the screen shown", refreshed)

    def session_ended():
        route("/timetable")  # the family was revoked above: the next refresh is refused
        css("#login-form")
        text_in("#login-form .notice", "로그인이 만료되었습니다")
        assert tokens() is None
        login_ui("student2", "everytime123!")
    check("a refused refresh token: back to the login screen, tokens dropped", session_ended)

    def throttled():
        logout_ui()
        victim = f"nobody{new_id}"
        for _ in range(12):
            status, _ = api("POST", "/accounts/login/", {"login_id": victim, "password": "wrong-pass-1"})
            if status == 429:
                break
        assert status == 429, status
        form = css("#login-form")
        form.find_element(By.NAME, "login_id").send_keys(victim)
        form.find_element(By.NAME, "password").send_keys("wrong-pass-1")
        tap(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        text_in("#banner", "초 후에 다시 시도하세요")
        shot("throttled")
        login_ui("student2", "everytime123!")
    check("429 on login: the banner shows Retry-After", throttled)

    # ---- log out: no way back ----------------------------------------------------------
    def no_way_back():
        route(f"/post/{ctx['post_id']}")
        css("#post")
        old = tokens()
        logout_ui()
        assert tokens() is None
        driver.back()
        css("#login-form")
        assert "#/login" in driver.current_url, driver.current_url
        route("/timetable")
        css("#login-form")
        ctx["old"] = old
    check("log out: back (and any screen) leads to the login screen", no_way_back)

    def dead_tokens():
        status, body = api("GET", "/accounts/me/", token=ctx["old"]["access"])
        assert status == 401, (status, body)
        status, body = api("POST", "/accounts/token_refresh/", {"refresh": ctx["old"]["refresh"]})
        assert status == 401, (status, body)
    check("after logout the old access and refresh tokens answer 401", dead_tokens)

    # ---- cross-origin --------------------------------------------------------------------
    status, body = api("POST", "/accounts/login/", {"login_id": "student2", "password": "everytime123!"})
    token = body["token"]["access"] if status == 200 else ""
    fetch = """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0] + '/api/accounts/me/', {credentials: 'include',
              headers: {'Authorization': 'Bearer ' + arguments[1]}})
          .then(r => r.json().then(b => done('ok ' + r.status + ' ' + b.login_id)))
          .catch(e => done('refused ' + e.name));"""

    def listed_origin():
        driver.get(args.listed_origin + "/")
        css("#login-form")
        driver.set_script_timeout(10)
        got = driver.execute_async_script(fetch, args.base, token)
        assert got == "ok 200 student2", got
    check(f"from {args.listed_origin} (listed): a credentialed fetch reads /api/accounts/me/", listed_origin)

    def unlisted_origin():
        driver.get(args.unlisted_origin + "/")
        css("#login-form")
        got = driver.execute_async_script(fetch, args.base, token)
        assert got.startswith("refused"), got
    check(f"from {args.unlisted_origin} (not listed): the browser refuses the answer", unlisted_origin)

    # ---- English when the browser prefers it ---------------------------------------------
    def english():
        driver.execute_cdp_cmd("Network.setUserAgentOverride",
                               {"userAgent": driver.execute_script("return navigator.userAgent"),
                                "acceptLanguage": "en-US,en"})
        # what a browser set to English tells the page, before the page's scripts run
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":
            "Object.defineProperty(navigator, 'languages', {get: () => ['en-US', 'en']});"})
        route("/login")
        driver.refresh()
        text_in("#login-form h1", "Log in")
        assert driver.execute_script("return document.documentElement.lang") == "en"
        shot("login-en")
    check("English UI when the browser prefers English", english)


if __name__ == "__main__":
    sys.exit(main())
