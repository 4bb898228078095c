#!/usr/bin/env python3
"""Real-browser test of the Dwell kiosk page (Selenium + Debian's headless Chromium).

Runs against a running dwelld (KioskBrowserTests starts one and stages the interruptions):

    DWELL_URL=http://127.0.0.1:18470 DWELL_ARTIFACTS=artifacts python3 Tests/Kiosk/kiosk_test.py

Prints one line per check and ends with `kiosk: N passed, N failed`; exits 1 on any failure.
It changes beds 1 and 2 (starts, pauses, aborts sessions, counts needles): point it at a test
daemon only. The browser reaches dwelld through link_proxy.py (in this process), which passes
everything on unchanged until the connection check drops the stream and then the whole link.

DWELL_PAUSE_LIMIT_S=30: the daemon's clinic.pause_limit (its config); the paused-too-long check
pauses bed 1 that long. Without it that check is skipped.

DWELL_INTERRUPTED_BEDS=2,1: those beds' sessions were interrupted (dwelld killed and restarted
mid-session). The first check after the API check verifies each card; a resumable session is
resumed from the page, one that cannot be resumed is counted out and finished from the page.
Without it that check is skipped (it says so).
"""

import datetime
import json
import os
import re
import sys
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from headless import wait_for
from link_proxy import LinkProxy

BASE = os.environ.get("DWELL_URL", "http://127.0.0.1:18470").rstrip("/")
ARTIFACTS = os.environ.get("DWELL_ARTIFACTS", "artifacts")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The daemon's clinic.pause_limit in seconds, when the test daemon was given a short one (the
# paused-too-long check waits for it; skipped without it).
PAUSE_LIMIT_S = float(os.environ.get("DWELL_PAUSE_LIMIT_S", "0") or 0)
INTERRUPTED_BEDS = [b.strip() for b in os.environ.get("DWELL_INTERRUPTED_BEDS", "").split(",") if b.strip()]
ENDED = ("idle", "completed", "aborted")

passed = 0
failed = 0


# ---------------------------------------------------------------------------------------
# helpers: API

def api(method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None or method == "POST":
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            text = res.read()
            return res.status, res.headers.get("Content-Type", ""), json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = text.decode(errors="replace")
        return e.code, e.headers.get("Content-Type", ""), payload


def bed(name):
    status, _, body = api("GET", f"/api/v1/beds/{name}")
    assert status == 200, f"GET /api/v1/beds/{name} -> {status} {body}"
    return body


def post(name, cmd, body=None):
    status, _, resp = api("POST", f"/api/v1/beds/{name}/{cmd}", body)
    assert status == 200, f"POST {cmd} on bed {name} -> {status} {resp}"
    return resp


def outstanding(b):
    return (b.get("needles") or {}).get("outstanding") or 0


def make_idle(name):
    """Leave the bed free for a new session: count its needles out, then abort (or finish an
    interrupted session, or close one whose counts cannot agree), until the session has ended."""
    for _ in range(8):
        b = bed(name)
        state = b["state"]
        if state in ENDED:
            return b
        if outstanding(b) > 0 and state != "observation":
            post(name, "needles-out")
        elif state == "interrupted":
            post(name, "finish")
        elif state == "unaccounted":
            post(name, "close", {"reason": "kiosk test clean-up: more needles counted out than in"})
        else:
            post(name, "abort")
    raise AssertionError(f"bed {name} did not end: {bed(name)}")


def screening(value=False, **present):
    """Every checklist item answered `value`, except the ones named (code with - as _)."""
    answers = {item["code"]: value for group in ("absolute", "relative") for item in S.checklist[group]}
    for code, answer in present.items():
        answers[code.replace("_", "-")] = answer
    return answers


def start_api(name, patient="p-0043"):
    make_idle(name)
    status, _, b = api("POST", f"/api/v1/beds/{name}/session",
                       {"protocol": S.protocol["id"], "therapist": "t-17", "patient": patient, "consent": True,
                        "screening": screening(), "acknowledged": []})
    assert status == 201, f"start bed {name} -> {status} {b}"
    return b


def drive_to_overrun(name):
    b = start_api(name)
    for _ in range(b["step_count"] + 1):
        if b["state"] == "overrun":
            break
        b = post(name, "skip")
    assert b["state"] == "overrun", f"bed {name} not in overrun: {b}"
    assert outstanding(b) > 0, f"no needles counted in at the overrun: {b['needles']}"
    return b


def wait_api(name, what, pred, timeout=8.0):
    return wait_for(f"bed {name}: {what}", lambda: (lambda b: b if pred(b) else None)(bed(name)), timeout)


def norm(s):
    return re.sub(r"\s+", " ", s or "").strip()


# ---------------------------------------------------------------------------------------
# helpers: browser

def driver(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(120)
    d.set_script_timeout(120)  # a loaded host stalled the renderer past the default 30 s once
    # Headless Chromium counts its (invisible) window frame in --window-size: grow the window so
    # that the page itself gets exactly width x height, as on a kiosk screen.
    d.get("about:blank")
    for _ in range(3):
        vw, vh = d.execute_script("return [innerWidth, innerHeight]")
        if (vw, vh) == (width, height):
            break
        size = d.get_window_size()
        d.set_window_size(size["width"] + width - vw, size["height"] + height - vh)
    else:
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return d


def ensure_driver():
    if S.d is None:
        S.d = driver(800, 480)
        open_page(S.d)
    return S.d


def card(d, name):
    return d.find_element(By.ID, f"bed-{name}")


def card_attr(d, name, attr):
    return card(d, name).get_attribute(attr)


# What the glance card itself shows; everything else is read from the bed's action sheet.
CARD_ONLY = {".state-word", ".countdown", ".count-wrap", ".needle-chip", ".silence-note", ".stale-note", ".therapist"}


def text(d, name, selector):
    if selector in CARD_ONLY:
        return d.execute_script("return arguments[0].querySelector(arguments[1]).textContent", card(d, name), selector).strip()
    if ensure_sheet(d, name):
        return d.find_element(By.CSS_SELECTOR, f"#sheet {selector}").text.strip()
    return norm(d.execute_script("return arguments[0].querySelector(arguments[1]).textContent", card(d, name), selector))


def sheet_bed(d):
    return d.execute_script("const s = document.getElementById('sheet'); return s.hidden ? null : document.getElementById('sheet-bed').textContent")


def ensure_sheet(d, name):
    """Opens bed `name`'s action sheet (a tap on its card); False for a free bed (no sheet)."""
    if sheet_bed(d) == name:
        return True
    if card_attr(d, name, "data-state") in ENDED:
        return False
    d.execute_script("document.querySelectorAll('dialog[open]').forEach((x) => x.close())")
    card(d, name).find_element(By.CSS_SELECTOR, ".card-open").click()
    wait_for(f"bed {name}'s sheet", lambda: sheet_bed(d) == name)
    return True


def close_sheet(d):
    d.execute_script("if (!document.getElementById('sheet').hidden) document.getElementById('sheet-back').click()")


def hold(d, element, seconds=1.3):
    ActionChains(d).click_and_hold(element).pause(seconds).release().perform()


def shown(d, selector, root=None):
    """The element if it is displayed, else None (for wait_for)."""
    el = (root or d).find_element(By.CSS_SELECTOR, selector)
    return el if el.is_displayed() else None


def click_cmd(d, name, cmd):
    """A card's command: a tap on a free bed's card opens the start form; anything else is a
    button of the bed's action sheet (a confirmation is held, not clicked)."""
    if cmd == "start":
        close_sheet(d)
        card(d, name).find_element(By.CSS_SELECTOR, ".card-open").click()
        return
    ensure_sheet(d, name)
    btn = wait_for(f"bed {name} button {cmd}", lambda: (
        lambda b: b if b.is_displayed() and b.is_enabled() else None)(
        d.find_element(By.CSS_SELECTOR, f'#sheet button[data-cmd="{cmd}"]')))
    if cmd.startswith("confirm-"):
        hold(d, btn)
    else:
        btn.click()


def click(d, selector):
    btn = wait_for(f"{selector} enabled", lambda: (
        lambda b: b if b.is_displayed() and b.is_enabled() else None)(d.find_element(By.CSS_SELECTOR, selector)))
    btn.click()


def buttons(d, name):
    if not ensure_sheet(d, name):
        return ["start"]
    wait_for("sheet buttons", lambda: d.find_elements(By.CSS_SELECTOR, "#sheet .actions button"))
    return [b.get_attribute("data-cmd") for b in d.find_elements(By.CSS_SELECTOR, "#sheet .actions button")]


def animation(d, name):
    return d.execute_script("return getComputedStyle(arguments[0]).animationName", card(d, name))


def pause_sign(d, name):
    """The two bars drawn before the state word of a paused card."""
    return d.execute_script("""
        const s = getComputedStyle(arguments[0].querySelector('.state-word'), '::before');
        return s.display === 'inline-block' && parseFloat(s.borderLeftWidth) > 0 && parseFloat(s.borderRightWidth) > 0;
    """, card(d, name))


def reduced_motion_animation(d, name):
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        return animation(d, name)
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def screenshot(d, filename):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, filename)
    assert d.save_screenshot(path), f"could not save {path}"
    print(f"  screenshot: {path}")


def open_page(d):
    d.get(S.link.url + "/")
    wait_for("bed 1 card with data", lambda: card_attr(d, "1", "data-state") and text(d, "1", ".state-word"))
    wait_for("live connection", lambda: d.find_element(By.ID, "conn").get_attribute("data-mode") in ("live", "polling"))


CARD_PARTS = ".card-head, .state-word, .needle-chip, .silence-note, .protocol, .countdown, .count-note, .needles, .info, .steps, .aftercare, .progress, .error"


def check_layout(d, width, height, beds):
    """Everything visible at once: no scrolling, every card whole, nothing overlapping (the
    buttons are in the action sheet: Tests/Kiosk/glance_test.py checks them at every size)."""
    close_sheet(d)
    time.sleep(0.3)
    m = d.execute_script("""
        const PARTS = arguments[0];
        const r = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
        return {
          vw: innerWidth, vh: innerHeight,
          sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
          cards: [...document.querySelectorAll('.card')].map((c) => ({
            id: c.dataset.bed, rect: r(c),
            count: r(c.querySelector('.countdown')),
            // Only a time (m:ss, +m:ss) must be big; words and alarm texts are fitted to their box.
            countFont: c.querySelector('.countdown.word, .countdown.alarm') ? null : parseFloat(getComputedStyle(c.querySelector('.countdown')).fontSize),
            overflowing: [...c.querySelectorAll(PARTS)]
              .filter((e) => e.offsetParent !== null)
              .filter((e) => { const b = e.getBoundingClientRect(), o = c.getBoundingClientRect();
                               return b.left < o.left - 1 || b.right > o.right + 1 || b.top < o.top - 1 || b.bottom > o.bottom + 1; })
              .map((e) => e.className || e.tagName),
            // Parts that overlap each other (text drawn over text).
            overlaps: (() => {
              const parts = [...c.querySelectorAll(PARTS)].filter((e) => !e.matches('.countdown, .count-note'))
                .concat([...c.querySelectorAll('.countdown, .count-note')])
                .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0);
              const out = [];
              for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
                const a = parts[i].getBoundingClientRect(), b = parts[j].getBoundingClientRect();
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                  out.push(`${parts[i].className} / ${parts[j].className}`);
              }
              return out;
            })(),
            countClipped: (() => { const n = c.querySelector('.countdown'), w = n.parentElement;
              return n.scrollWidth > w.clientWidth + 1 || n.getBoundingClientRect().bottom > w.getBoundingClientRect().bottom + 1
                || n.getBoundingClientRect().top < w.getBoundingClientRect().top - 1; })(),
            // Text blocks that are cut off instead of fitted.
            cut: [...c.querySelectorAll('.aftercare, .info, .needles')].filter((e) => e.offsetParent !== null)
              .filter((e) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1).map((e) => e.className),
            buttons: [...c.querySelectorAll('button')].map((b) => { const q = b.getBoundingClientRect();
              return [b.getAttribute('aria-label'), q.width, q.height, false]; }),
          })),
        };
    """, CARD_PARTS)
    assert (m["vw"], m["vh"]) == (width, height), f"viewport is {m['vw']}x{m['vh']}, expected {width}x{height}"
    assert m["sw"] <= m["vw"] and m["sh"] <= m["vh"], f"page scrolls: content {m['sw']}x{m['sh']} in {m['vw']}x{m['vh']}"
    assert len(m["cards"]) == len(beds), f"{len(m['cards'])} cards for {len(beds)} beds"
    for c in m["cards"]:
        left, top, right, bottom = c["rect"]
        assert left >= 0 and top >= 0 and right <= width + 0.5 and bottom <= height + 0.5, f"bed {c['id']} card off screen: {c['rect']}"
        assert not c["overflowing"], f"bed {c['id']}: parts outside the card: {c['overflowing']}"
        assert not c["overlaps"], f"bed {c['id']}: parts overlap: {c['overlaps']}"
        assert not c["countClipped"], f"bed {c['id']}: the countdown does not fit its box"
        assert not c["cut"], f"bed {c['id']}: text cut off: {c['cut']}"
        assert c["countFont"] is None or c["countFont"] >= min(72, height / 7), f"bed {c['id']}: countdown only {c['countFont']}px"
        for label, w, h, clipped in c["buttons"]:
            assert h >= 44 and w >= 60, f"bed {c['id']}: button {label!r} is {w:.0f}x{h:.0f}, too small to touch"
            assert not clipped, f"bed {c['id']}: button text {label!r} is cut off"
    rects = [c["rect"] for c in m["cards"]]
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            a, b = rects[i], rects[j]
            assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, \
                f"cards overlap: {a} {b}"
    return m


def check_dialog(d, dialog_id):
    """An open dialog fits the screen (it may scroll inside) and its controls are touch-sized."""
    m = d.execute_script("""
        const dlg = document.getElementById(arguments[0]);
        const b = dlg.getBoundingClientRect();
        const controls = [...dlg.querySelectorAll('button, .yn label, .chk-ack, .consent')]
          .filter((e) => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
          .map((e) => { const q = e.getBoundingClientRect();
                        return [e.id || e.textContent.trim().slice(0, 30), q.width, q.height, e.scrollWidth > e.clientWidth + 1]; });
        return { rect: [b.left, b.top, b.right, b.bottom], vw: innerWidth, vh: innerHeight, controls,
                 pageScroll: document.documentElement.scrollHeight > innerHeight };
    """, dialog_id)
    left, top, right, bottom = m["rect"]
    assert left >= 0 and top >= 0 and right <= m["vw"] + 0.5 and bottom <= m["vh"] + 0.5, f"{dialog_id} off screen: {m['rect']}"
    assert not m["pageScroll"], "the page scrolls behind the dialog"
    for label, w, h, clipped in m["controls"]:
        assert h >= 44 and w >= 60, f"{dialog_id}: control {label!r} is {w:.0f}x{h:.0f}, too small to touch"
        assert not clipped, f"{dialog_id}: control text {label!r} is cut off"


# ---------------------------------------------------------------------------------------
# the checks

class State:
    protocol = None
    checklist = None
    beds = []
    link = None  # the browser's way to dwelld (link_proxy.LinkProxy)
    d = None


S = State()


def other_bed():
    return S.beds[1] if len(S.beds) > 1 else "1"


def t_api_ready():
    status, ctype, beds = api("GET", "/api/v1/beds")
    assert status == 200 and isinstance(beds, list) and beds, f"GET /api/v1/beds -> {status} {beds}"
    S.beds = [b["bed"] for b in beds]
    assert "1" in S.beds, f"no bed 1 in {S.beds}"
    for b in beds:
        missing = {"needles", "silenced_ms", "aftercare", "interruption"} - set(b)
        assert not missing, f"bed {b['bed']} lacks {missing}"
    status, _, protocols = api("GET", "/api/v1/protocols")
    assert status == 200 and protocols, f"GET /api/v1/protocols -> {status} {protocols}"
    # Prefer a protocol with several steps and an observation period (exercises the most).
    protocols.sort(key=lambda p: (not p.get("observation_ms"), -len(p.get("sites") or [])))
    S.protocol = protocols[0]
    status, _, S.checklist = api("GET", "/api/v1/checklist")
    assert status == 200 and len(S.checklist.get("absolute", [])) >= 4 and len(S.checklist.get("relative", [])) >= 12, \
        f"GET /api/v1/checklist -> {status} {S.checklist}"
    print(f"  beds {S.beds}; protocol {S.protocol['id']!r}")
    for name in INTERRUPTED_BEDS:
        assert name in S.beds, f"DWELL_INTERRUPTED_BEDS: {name} is not a bed: {S.beds}"
    for name in S.beds[:2]:
        if name not in INTERRUPTED_BEDS:
            make_idle(name)


def since_start_text_ms(page_text):
    m = re.search(r"Session started (?:(\d+) h )?(\d+) (s|min) ago", page_text)
    assert m, f"no 'Session started … ago' in {page_text!r}"
    hours, n, unit = int(m.group(1) or 0), int(m.group(2)), m.group(3)
    return (hours * 3600 + n * (1 if unit == "s" else 60)) * 1000, (1 if unit == "s" else 60) * 1000


def iso_ms(text_):
    return datetime.datetime.fromisoformat(text_.replace("Z", "+00:00")).timestamp() * 1000


def verify_interrupted(name):
    """The card shows an interrupted session unmistakably: state, alarm, times, reason, buttons."""
    d = ensure_driver()
    b = bed(name)
    assert b["state"] == "interrupted", f"bed {name} is not interrupted: {b['state']}"
    i = b["interruption"]
    assert i and i.get("started_at") and i.get("since_start_ms") is not None, f"interruption: {i}"
    wait_for("interrupted card", lambda: card_attr(d, name, "data-state") == "interrupted")
    assert text(d, name, ".state-word") == "INTERRUPTED", text(d, name, ".state-word")
    big = norm(text(d, name, ".state-word") + " " + text(d, name, ".count-wrap"))
    assert "NEEDLES MAY STILL BE IN" in big.upper() and "INTERRUPTED" in big.upper(), f"big text: {big!r}"
    if b["signal"] == "silenced":  # silenced before the test: steady, with the SILENCED marker
        assert animation(d, name) == "none" and re.search(r"SILENCED \d+:\d\d", text(d, name, ".silence-note")), "silenced look"
    else:
        assert animation(d, name).startswith("flash-"), "an interrupted card must flash"
    info = norm(text(d, name, ".info"))
    shown_ms, resolution = since_start_text_ms(info)
    expected = i["since_start_ms"] + max(0, time.time() * 1000 - iso_ms(i["detected_at"]))
    assert abs(shown_ms - expected) <= resolution + 3000, f"page says {info!r}, expected about {expected / 1000:.0f}s since the start"
    at = re.search(r"\(at (\d{1,2}):(\d\d)", info)
    started = datetime.datetime.fromisoformat(i["started_at"].replace("Z", "+00:00")).astimezone()
    assert at and int(at.group(1)) % 12 == started.hour % 12 and int(at.group(2)) == started.minute, \
        f"start time on the page {info!r} vs {started:%H:%M}"
    assert ("not synchronised" in info.lower()) == bool(i.get("uncertain")), f"uncertain={i.get('uncertain')} but page: {info!r}"
    if not i.get("resumable"):
        assert i.get("reason") and norm(i["reason"]) in info, f"reason not shown: {info!r}"
    # Rapid removal only where the needles were in when dwelld stopped (the core refuses it otherwise).
    needles_were_in = i.get("previous_state") in ("running", "rest", "paused", "overrun")
    want = {"needles", "finish", "silence"} | ({"rapid-removal"} if needles_were_in else set()) \
        | ({"resume"} if i.get("resumable") else set())
    assert set(buttons(d, name)) == want, f"buttons while interrupted: {buttons(d, name)}"
    n = b["needles"]
    assert f"Needles in {n['placed']} · out {n['removed']}" in text(d, name, ".needles"), text(d, name, ".needles")
    check_layout(d, 800, 480, S.beds)
    return b


def resolve_interrupted(name):
    """Count the needles out and finish, from the page."""
    d = S.d
    b = bed(name)
    click_cmd(d, name, "needles")
    wait_for("needle dialog", lambda: shown(d, "#needle-dialog"))
    check_dialog(d, "needle-dialog")
    if outstanding(b) > 0:
        click(d, "#needle-out-all")
        wait_api(name, "needles counted out", lambda x: outstanding(x) == 0)
    click(d, "#needle-close")
    wait_for("needle dialog closed", lambda: not d.find_element(By.ID, "needle-dialog").is_displayed())
    click_cmd(d, name, "finish")
    assert "Finish the interrupted session" in confirm_text(d, name)
    click_cmd(d, name, "confirm-finish")   # held, never clicked
    b = wait_api(name, "no longer interrupted", lambda x: x["state"] != "interrupted")
    assert b["state"] in ("completed", "aborted"), f"after finish: {b['state']}"
    wait_for("card ended", lambda: card_attr(d, name, "data-state") == b["state"])


def t_interrupted():
    """Each interrupted bed's card; then the page resumes a resumable session, and counts out and
    finishes one that cannot be resumed."""
    shown = {name: verify_interrupted(name) for name in INTERRUPTED_BEDS}
    screenshot(S.d, "kiosk-800x480-interrupted.png")
    for name, b in shown.items():
        if b["interruption"]["resumable"]:
            click_cmd(S.d, name, "resume")
            wait_api(name, "running again", lambda x: x["state"] in ("running", "rest", "overrun"))
            wait_for("card running", lambda: card_attr(S.d, name, "data-state") in ("running", "rest", "overrun"))
            print(f"  bed {name}: resumed from the page")
            make_idle(name)
        else:
            resolve_interrupted(name)
            print(f"  bed {name}: counted out and finished from the page")


def t_consent_required_by_api():
    status, ctype, body = api("POST", "/api/v1/beds/1/session",
                              {"protocol": S.protocol["id"], "therapist": "t-test", "patient": "p-test",
                               "screening": screening(), "acknowledged": []})
    assert status == 422, f"start without consent -> {status} {body}"
    assert ctype.startswith("application/problem+json"), f"content type {ctype!r}"
    assert isinstance(body, dict) and body.get("status") == 422 and body.get("detail"), f"problem body {body}"
    assert body.get("title") == "Consent required", f"title {body.get('title')!r}"
    assert bed("1")["state"] in ENDED, "a session started without consent"


def refused_start(answers, acknowledged=()):
    status, ctype, body = api("POST", "/api/v1/beds/1/session",
                              {"protocol": S.protocol["id"], "therapist": "t-17", "patient": "p-0042", "consent": True,
                               "screening": answers, "acknowledged": list(acknowledged)})
    assert status == 422 and ctype.startswith("application/problem+json"), f"-> {status} {ctype} {body}"
    assert bed("1")["state"] in ENDED, "a refused start started a session"
    return body


def t_checklist_api():
    incomplete = dict(screening())
    incomplete.pop(S.checklist["relative"][0]["code"])
    assert refused_start(incomplete)["title"] == "Checklist incomplete"
    absolute = S.checklist["absolute"][2]["code"]
    p = refused_start(screening(**{absolute: True}))
    assert p["title"] == "Contraindicated" and absolute in p["detail"], p
    relative = S.checklist["relative"][0]["code"]
    p = refused_start(screening(**{relative: True}))
    assert p["title"] == "Acknowledgement required" and relative in p["detail"], p


def t_layout_800():
    d = ensure_driver()
    check_layout(d, 800, 480, S.beds)


def fill_start_form(d, name, consent):
    click_cmd(d, name, "start")
    dialog = wait_for("start dialog", lambda: shown(d, "#start-dialog"))
    tile = wait_for("protocol tiles", lambda: d.find_element(By.CSS_SELECTOR, f'label[for="protocol-{S.protocol["id"]}"]'))
    total = len(S.checklist["absolute"]) + len(S.checklist["relative"])
    wait_for("checklist items", lambda: len(d.find_elements(By.CSS_SELECTOR, "#checklist .chk-item")) == total)
    tile.click()
    for field, value in (("start-therapist", "t-17"), ("start-patient", "p-0042")):
        el = d.find_element(By.ID, field)
        el.clear()
        el.send_keys(value)
    set_consent(d, consent)
    return dialog


def set_consent(d, consent):
    box = d.find_element(By.ID, "start-consent")
    if box.is_selected() != consent:
        d.find_element(By.CSS_SELECTOR, "label.consent").click()
    assert box.is_selected() == consent


def answer(d, code, value):
    group = d.find_element(By.CSS_SELECTOR, f'.chk-item[data-code="{code}"]').get_attribute("data-group")
    if not d.find_element(By.ID, f"chk-{group}").is_displayed():
        d.find_element(By.ID, f"each-{group}").click()
    d.find_element(By.CSS_SELECTOR, f'label[for="chk-{code}-{value}"]').click()
    assert d.find_element(By.ID, f"chk-{code}-{value}").is_selected(), f"{code} not answered {value}"


def as_labels(detail):
    """The server's problem detail as the page shows it: item codes as their labels."""
    labels = {i["code"]: i["label"] for g in ("absolute", "relative") for i in S.checklist[g]}
    return re.sub(r"`([^`]+)`", lambda m: f"“{labels[m.group(1)]}”" if m.group(1) in labels else m.group(1), detail)


def start_error(d):
    return wait_for("start error", lambda: (lambda e: e.text if e.is_displayed() and e.text else None)(d.find_element(By.ID, "start-error")))


def submit_start(d):
    d.find_element(By.ID, "start-submit").click()


def t_start_without_consent_refused():
    d = S.d
    fill_start_form(d, "1", consent=False)
    submit_start(d)
    err = start_error(d)
    assert "consent" in err.lower(), f"error does not mention consent: {err!r}"
    screenshot(d, "kiosk-800x480-no-consent.png")
    time.sleep(0.5)
    assert bed("1")["state"] in ENDED, "bed 1 started without consent"
    assert d.find_element(By.ID, "start-dialog").is_displayed(), "the form closed after a refusal"


def t_checklist_absolute_blocks():
    d = S.d
    set_consent(d, True)
    # Nothing answered yet: the page says so and marks the items.
    submit_start(d)
    err = start_error(d)
    assert "checklist" in err.lower() and "unanswered" in err.lower(), f"unanswered checklist not named: {err!r}"
    assert d.find_elements(By.CSS_SELECTOR, "#checklist .chk-item.missing"), "unanswered items not marked"
    click(d, "#none-absolute")
    click(d, "#none-relative")
    assert not d.find_elements(By.CSS_SELECTOR, '#checklist .chk-item[data-answer=""]'), "None of these apply left items unanswered"
    code = S.checklist["absolute"][2]["code"]  # local infection at a needling site
    answer(d, code, "yes")
    stop = d.find_element(By.CSS_SELECTOR, f'.chk-item[data-code="{code}"] .chk-stop')
    assert stop.is_displayed() and "DO NOT NEEDLE" in stop.text, "an absolute contraindication answered Yes is not marked"
    expected = as_labels(refused_start(screening(**{code: True}))["detail"])
    d.execute_script("document.getElementById('start-error').hidden = true")
    submit_start(d)
    err = start_error(d)
    assert expected in err and "`" not in err, f"page shows {err!r}, server said {expected!r}"
    time.sleep(0.5)
    assert bed("1")["state"] in ENDED, "a contraindicated session started"
    assert d.find_element(By.ID, "start-dialog").is_displayed(), "the form closed after a refusal"
    check_dialog(d, "start-dialog")
    screenshot(d, "kiosk-800x480-checklist.png")


def t_checklist_relative_needs_ack():
    d = S.d
    answer(d, S.checklist["absolute"][2]["code"], "no")
    code = S.checklist["relative"][0]["code"]  # bleeding tendency or blood thinners
    ack_label = f'.chk-item[data-code="{code}"] .chk-ack'
    assert not d.find_element(By.CSS_SELECTOR, ack_label).is_displayed(), "acknowledgement shown before Yes"
    answer(d, code, "yes")
    assert d.find_element(By.CSS_SELECTOR, ack_label).is_displayed(), "no acknowledgement for a relative item answered Yes"
    expected = as_labels(refused_start(screening(**{code: True}))["detail"])
    d.execute_script("document.getElementById('start-error').hidden = true")
    submit_start(d)
    err = start_error(d)
    assert expected in err, f"page shows {err!r}, server said {expected!r}"
    time.sleep(0.5)
    assert bed("1")["state"] in ENDED, "started without the acknowledgement"
    d.find_element(By.CSS_SELECTOR, ack_label).click()
    assert d.find_element(By.ID, f"ack-{code}").is_selected()
    submit_start(d)
    wait_for("dialog closed", lambda: not d.find_element(By.ID, "start-dialog").is_displayed())
    b = wait_api("1", "started with the acknowledgement", lambda x: x["state"] in ("running", "rest"))
    assert b["protocol"]["id"] == S.protocol["id"]
    make_idle("1")
    wait_for("bed 1 free on the page", lambda: card_attr(d, "1", "data-state") in ENDED)


def therapist_shown(d, name):
    """The therapist's code on the card as [text, font px, cut off], or None while it is not shown."""
    return d.execute_script("""
        // Beside the bed's name, or with the chips where the name shares a line with the state word.
        const t = [...arguments[0].querySelectorAll('.therapist, .therapist-chip')]
          .find((e) => e.offsetParent !== null && e.getBoundingClientRect().width > 0);
        if (!t) return null;
        return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize), t.scrollWidth > t.clientWidth + 1];
    """, card(d, name))


def check_therapist(d, name, code):
    close_sheet(d)
    shown_ = wait_for(f"therapist's code on bed {name}'s card", lambda: therapist_shown(d, name))
    assert shown_[0] == code, f"bed {name}: therapist shown as {shown_[0]!r}, expected {code!r}"
    assert shown_[1] >= 13 and not shown_[2], f"bed {name}: therapist's code {shown_[1]}px, cut off: {shown_[2]}"


def t_start_session():
    d = S.d
    fill_start_form(d, "1", consent=True)
    assert d.find_elements(By.CSS_SELECTOR, '#checklist .chk-item[data-answer=""]'), "checklist answered before anyone did"
    click(d, "#none-absolute")
    click(d, "#none-relative")
    submit_start(d)
    wait_for("dialog closed", lambda: not d.find_element(By.ID, "start-dialog").is_displayed())
    wait_for("bed 1 running on the page", lambda: card_attr(d, "1", "data-state") in ("running", "rest"))
    b = bed("1")
    assert b["state"] in ("running", "rest") and b["protocol"]["id"] == S.protocol["id"], f"bed 1 on the API: {b}"
    assert b["therapist"] == "t-17" and b["patient"] == "p-0042", f"therapist/patient not sent: {b}"
    assert set(buttons(d, "1")) == {"pause", "extend", "skip", "needles", "abort", "rapid-removal"}, f"buttons while running: {buttons(d, '1')}"
    assert S.protocol["title"] in text(d, "1", ".protocol"), "protocol title not shown"
    check_therapist(d, "1", "t-17")


def needles_on_card(d, name):
    return norm(text(d, name, ".needles"))


def t_needle_counts_on_card():
    d = S.d
    n = bed("1")["needles"]
    assert n and n["placed"] > 0, f"no needles counted in at the first site: {n}"
    wait_for("needle counts on the card", lambda: f"Needles in {n['placed']} · out {n['removed']}" in needles_on_card(d, "1"))


def t_countdown_ticks():
    d = S.d
    first = text(d, "1", ".countdown")
    assert re.fullmatch(r"\d+:\d\d", first), f"countdown {first!r} is not m:ss"
    time.sleep(2.5)
    second = text(d, "1", ".countdown")
    assert re.fullmatch(r"\d+:\d\d", second) and second != first, f"countdown did not move: {first!r} -> {second!r}"
    to_s = lambda t: int(t.split(":")[0]) * 60 + int(t.split(":")[1])  # noqa: E731
    assert 1 <= to_s(first) - to_s(second) <= 4, f"countdown moved oddly: {first} -> {second}"
    # The page agrees with the server (within the tick and a second of transport).
    server = bed("1")["remaining_ms"] / 1000
    assert abs(to_s(text(d, "1", ".countdown")) - server) <= 2, f"page {text(d, '1', '.countdown')} vs server {server:.1f}s"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480.png")


def t_pause():
    d = S.d
    click_cmd(d, "1", "pause")
    wait_for("PAUSED on the card", lambda: text(d, "1", ".state-word") == "PAUSED")
    assert pause_sign(d, "1"), "no pause sign before PAUSED"
    assert card_attr(d, "1", "data-state") == "paused"
    # Paused is information, not an alarm: never the overrun's solid or flashing amber card.
    assert card_attr(d, "1", "data-signal") == "paused"
    assert animation(d, "1") == "breathe-amber", f"paused card animation: {animation(d, '1')}"
    assert set(buttons(d, "1")) == {"resume", "extend", "needles", "abort", "rapid-removal"}, f"buttons while paused: {buttons(d, '1')}"
    held = text(d, "1", ".countdown")
    time.sleep(2.2)
    assert text(d, "1", ".countdown") == held, f"countdown moved while paused: {held} -> {text(d, '1', '.countdown')}"
    assert bed("1")["state"] == "paused"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-paused.png")


def t_resume():
    d = S.d
    held = text(d, "1", ".countdown")
    click_cmd(d, "1", "resume")
    wait_for("RUNNING again", lambda: card_attr(d, "1", "data-state") in ("running", "rest"))
    wait_for("countdown moving again", lambda: text(d, "1", ".countdown") != held, timeout=4)


def t_pause_too_long():
    """Paused with needles in past the clinic's pause limit: the overrun's amber alarm, in words
    (PAUSE TOO LONG) with the pause sign; resuming ends it."""
    d = S.d
    assert outstanding(bed("1")) > 0, "bed 1 has needles in"
    click_cmd(d, "1", "pause")
    wait_for("PAUSED", lambda: card_attr(d, "1", "data-signal") == "paused")
    wait_for("PAUSE TOO LONG on the card", lambda: card_attr(d, "1", "data-signal") == "pause-overdue",
             timeout=PAUSE_LIMIT_S + 20)
    assert text(d, "1", ".state-word") == "PAUSE TOO LONG", text(d, "1", ".state-word")
    assert pause_sign(d, "1"), "no pause sign before PAUSE TOO LONG"
    assert "PAUSE TOO LONG" in text(d, "1", ".count-note"), text(d, "1", ".count-note")
    assert animation(d, "1") == "flash-amber", f"the pause alarm does not flash amber: {animation(d, '1')!r}"
    b = bed("1")
    assert b["state"] == "paused" and b["signal"] == "pause-overdue", f"{b['state']} {b['signal']}"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-pause-too-long.png")
    click_cmd(d, "1", "resume")
    wait_for("running again, the alarm over", lambda: card_attr(d, "1", "data-signal") in ("running", "warning", "rest"))


def t_extend_asks_for_a_reason_only_past_the_ceiling():
    """+1 min: within the clinic's longest session (15m by default) it is simply taken; past it
    the page asks why, and the extension is taken, and recorded, with the reason."""
    d = S.d
    needle_time = S.protocol["length_ms"]
    while needle_time + 60_000 <= 900_000:
        before = bed("1")["remaining_ms"]
        click_cmd(d, "1", "extend")
        wait_api("1", "extended by a minute", lambda b: b["remaining_ms"] > before + 50_000)
        assert not shown(d, "#extend-dialog"), "no reason is asked within the clinic's longest session"
        needle_time += 60_000
    before = bed("1")["remaining_ms"]
    click_cmd(d, "1", "extend")
    wait_for("the reason dialog", lambda: shown(d, "#extend-dialog"))
    assert "longest session" in d.find_element(By.ID, "extend-what").text, d.find_element(By.ID, "extend-what").text
    check_dialog(d, "extend-dialog")
    screenshot(d, "kiosk-800x480-extend-reason.png")
    assert bed("1")["remaining_ms"] <= before + 1_000, "nothing was extended before the reason"
    reason = d.find_element(By.ID, "extend-reason")
    reason.send_keys("ok")
    click(d, "#extend-submit")
    wait_for("too-short reason refused", lambda: (lambda e: e.text if e.is_displayed() else None)(d.find_element(By.ID, "extend-error")))
    reason.clear()
    reason.send_keys("patient asked to keep the needles in")
    click(d, "#extend-submit")
    wait_for("dialog closed", lambda: not shown(d, "#extend-dialog"))
    wait_api("1", "extended by a minute", lambda b: b["remaining_ms"] > before + 50_000)


def t_api_error_shown():
    d = S.d
    status, _, problem = api("POST", "/api/v1/beds/1/ack")
    assert status == 409 and problem.get("detail"), f"ack while running -> {status} {problem}"
    d.execute_script("window.DwellKiosk.send('1', 'ack')")
    err = wait_for("error on bed 1", lambda: d.execute_script("return arguments[0].querySelector('.error').textContent", card(d, "1")))
    assert problem["detail"] in err, f"card shows {err!r}, server said {problem['detail']!r}"
    check_layout(d, 800, 480, S.beds)


def site(b, step):
    return next(s for s in b["needles"]["sites"] if s["step"] == step)


def site_button(d, step, act):
    return d.find_element(By.CSS_SELECTOR, f'#needle-sites .site-row[data-step="{step}"] button[data-act="{act}"]')


def open_needles(d, name, via="needles"):
    click_cmd(d, name, via)
    return wait_for("needle dialog", lambda: shown(d, "#needle-dialog"))


def t_needle_dialog():
    d = S.d
    b = bed("1")
    open_needles(d, "1")
    rows = [r.get_attribute("data-step") for r in d.find_elements(By.CSS_SELECTOR, "#needle-sites .site-row")]
    assert rows == [str(s["step"]) for s in b["needles"]["sites"]], f"dialog rows {rows} vs API sites {b['needles']['sites']}"
    step = b["needles"]["sites"][0]["step"]
    placed, removed = site(b, step)["placed"], site(b, step)["removed"]
    site_button(d, step, "in-plus").click()
    wait_api("1", "one more needle in", lambda x: site(x, step)["placed"] == placed + 1)
    wait_for("dialog count in", lambda: d.find_element(By.CSS_SELECTOR, f'.site-row[data-step="{step}"] .n-in').text == str(placed + 1))
    site_button(d, step, "in-minus").click()
    wait_api("1", "back to the protocol's count", lambda x: site(x, step)["placed"] == placed)
    wait_for("dialog count in again", lambda: d.find_element(By.CSS_SELECTOR, f'.site-row[data-step="{step}"] .n-in').text == str(placed))
    site_button(d, step, "out-one").click()
    b = wait_api("1", "one needle counted out", lambda x: site(x, step)["removed"] == removed + 1)
    n = b["needles"]
    wait_for("summary", lambda: f"In {n['placed']} · out {n['removed']}" in d.find_element(By.ID, "needle-summary").text)
    assert f"{n['outstanding']} STILL IN" in d.find_element(By.ID, "needle-summary").text
    assert not d.find_element(By.ID, "needle-error").is_displayed(), d.find_element(By.ID, "needle-error").text
    assert not d.find_element(By.ID, "needle-ack").is_displayed(), "acknowledge offered while the steps run"
    check_dialog(d, "needle-dialog")
    screenshot(d, "kiosk-800x480-needles.png")
    click(d, "#needle-close")
    wait_for("dialog closed", lambda: not d.find_element(By.ID, "needle-dialog").is_displayed())
    wait_for("card counts", lambda: f"Needles in {n['placed']} · out {n['removed']}" in needles_on_card(d, "1"))


def t_overrun():
    d = S.d
    name = other_bed()
    if name == "1":
        make_idle("1")
    b = drive_to_overrun(name)
    wait_for("overrun on the card", lambda: card_attr(d, name, "data-state") == "overrun")
    wait_for("counting up", lambda: text(d, name, ".countdown").startswith("+"))
    assert "OVERRUN" in text(d, name, ".state-word"), text(d, name, ".state-word")
    assert "OVERRUN" in text(d, name, ".count-note")
    assert buttons(d, name) == ["ack", "extend", "needles", "silence", "rapid-removal"], f"buttons in overrun: {buttons(d, name)}"
    ack = d.find_element(By.CSS_SELECTOR, '#sheet button[data-cmd="ack"]')
    assert "acknowledge" in ack.text.lower() and "needles out" in ack.text.lower(), ack.text
    wait_for("needles still in shown", lambda: f"{outstanding(b)} STILL IN" in needles_on_card(d, name))
    assert animation(d, name).startswith("flash-"), f"overrun card does not flash: {animation(d, name)!r}"
    time.sleep(1.2)
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-overrun.png")
    time.sleep(1.0)  # the other half of the 0.5 Hz flash
    screenshot(d, "kiosk-800x480-overrun-flash.png")
    # Reduced motion: a steady colour, no flashing.
    anim = reduced_motion_animation(d, name)
    assert anim == "none", f"still animated with reduced motion: {anim!r}"


def t_layout_1920():
    big = driver(1920, 1080)
    try:
        open_page(big)
        time.sleep(1.2)
        check_layout(big, 1920, 1080, S.beds)
        statuses = [bed(n) for n in S.beds]
        with_therapist = [(b["bed"], b["therapist"]) for b in statuses if b["state"] != "idle" and b.get("therapist")]
        assert with_therapist, "no bed in a session with a therapist at 1920x1080"
        for name, code in with_therapist:
            check_therapist(big, name, code)
        screenshot(big, "kiosk-1920x1080.png")
    finally:
        big.quit()


def t_acknowledge():
    """Overrun: the acknowledge button opens the count; one tap per needle, then acknowledge."""
    d = S.d
    name = other_bed()
    open_needles(d, name, via="ack")
    ack = d.find_element(By.ID, "needle-ack")
    assert ack.is_displayed() and "acknowledge" in ack.text.lower(), "no acknowledge in the needle dialog during overrun"
    taps = 0
    while outstanding(bed(name)) > 0:
        before = bed(name)["needles"]["removed"]
        click(d, '#needle-sites .site-row button[data-act="out-one"]:enabled')
        wait_api(name, "one more counted out", lambda x: x["needles"]["removed"] == before + 1)
        wait_for("the dialog shows it", lambda: f"out {before + 1}" in d.find_element(By.ID, "needle-summary").text)
        taps += 1
        assert taps <= 40, "needles never all counted out"
    wait_for("all out in the dialog", lambda: "all out" in d.find_element(By.ID, "needle-summary").text)
    check_dialog(d, "needle-dialog")
    screenshot(d, "kiosk-800x480-needles-overrun.png")
    click(d, "#needle-ack")
    wait_for("acknowledged", lambda: card_attr(d, name, "data-state") in ("observation", "completed"))
    wait_for("needle dialog closed", lambda: not d.find_element(By.ID, "needle-dialog").is_displayed())
    assert bed(name)["state"] in ("observation", "completed")


def t_observation_aftercare():
    d = S.d
    name = other_bed()
    b = bed(name)
    if b["state"] == "observation":
        assert buttons(d, name) == ["skip", "extend"], f"buttons in observation: {buttons(d, name)}"
        assert b["aftercare"], "no aftercare text from the server"
        ensure_sheet(d, name)
        box = wait_for("aftercare shown", lambda: shown(d, "#sheet .aftercare"))
        assert norm(b["aftercare"]) in norm(box.text), f"aftercare {box.text!r} vs {b['aftercare']!r}"
        fits = d.execute_script("const e = arguments[0]; return e.scrollHeight <= e.clientHeight + 1 && parseFloat(getComputedStyle(e).fontSize) >= 11", box)
        assert fits, "aftercare cut off or unreadably small"
        check_layout(d, 800, 480, S.beds)
        screenshot(d, "kiosk-800x480-observation-aftercare.png")
        click_cmd(d, name, "skip")
    wait_for("completed", lambda: card_attr(d, name, "data-state") == "completed")
    assert bed(name)["state"] == "completed"
    assert buttons(d, name) == ["start"]
    if b["aftercare"]:
        kept = d.execute_script("return arguments[0].querySelector('.aftercare .text').textContent", card(d, name))
        assert norm(b["aftercare"]) in norm(kept), "aftercare gone after completion"


def t_unaccounted():
    """Acknowledging with needles still counted in raises the high-priority unaccounted alarm."""
    d = S.d
    name = other_bed()
    b = drive_to_overrun(name)
    wait_for("overrun on the card", lambda: card_attr(d, name, "data-state") == "overrun")
    open_needles(d, name, via="ack")
    # With needles still in, the main button counts them out; acknowledging anyway is apart and says so.
    out_all, ack = d.find_element(By.ID, "needle-out-all"), d.find_element(By.ID, "needle-ack")
    wait_for("count them out is the main button", lambda: "primary" in out_all.get_attribute("class"))
    assert out_all.text.startswith("Count them out") and "primary" not in ack.get_attribute("class"), \
        f"{out_all.text!r} / {ack.text!r} ({ack.get_attribute('class')})"
    assert "still in" in ack.text and str(outstanding(b)) in ack.text, ack.text
    click(d, "#needle-ack")
    b = wait_api(name, "unaccounted", lambda x: x["state"] == "unaccounted")
    wait_for("unaccounted card", lambda: card_attr(d, name, "data-state") == "unaccounted")
    wait_for("needle dialog closed", lambda: not d.find_element(By.ID, "needle-dialog").is_displayed())
    left = outstanding(b)
    big = norm(text(d, name, ".countdown"))
    assert big == f"{left} NEEDLE{'' if left == 1 else 'S'} UNACCOUNTED", f"big text {big!r} for {left} outstanding"
    assert text(d, name, ".state-word") == "UNACCOUNTED"
    assert norm(b["current"]) in norm(text(d, name, ".steps")), f"server's text {b['current']!r} not shown"
    # Rapid removal is not offered here: it settles no count.
    assert buttons(d, name) == ["needles", "close", "silence"], f"buttons: {buttons(d, name)}"
    assert animation(d, name) == "flash-red", f"unaccounted does not flash red: {animation(d, name)!r}"
    assert reduced_motion_animation(d, name) == "none", "unaccounted flashes under reduced motion"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-unaccounted.png")


def t_silence():
    d = S.d
    name = other_bed()
    click_cmd(d, name, "silence")
    b = wait_api(name, "silenced", lambda x: x["silenced_ms"] is not None)
    assert b["state"] == "unaccounted" and b["signal"] == "silenced", f"{b['state']} {b['signal']}"
    close_sheet(d)
    note = wait_for("SILENCED marker", lambda: shown(d, ".silence-note", card(d, name)))
    first = note.text
    assert re.search(r"SILENCED \d+:\d\d", first), f"marker {first!r}"
    close_sheet(d)
    wait_for("silence counting down", lambda: card(d, name).find_element(By.CSS_SELECTOR, ".silence-note").text != first, timeout=4)
    assert animation(d, name) == "none", "a silenced alarm must not flash"
    assert card_attr(d, name, "data-signal") == "silenced"
    assert "UNACCOUNTED" in norm(text(d, name, ".countdown")), "the alarm itself is no longer shown"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-silenced.png")


def t_close_with_reason():
    d = S.d
    name = other_bed()
    click_cmd(d, name, "close")
    wait_for("close dialog", lambda: shown(d, "#close-dialog"))
    check_dialog(d, "close-dialog")
    reason = d.find_element(By.ID, "close-reason")
    reason.send_keys("ab")
    hold(d, d.find_element(By.ID, "close-submit"))
    err = wait_for("too short", lambda: (lambda e: e.text if e.is_displayed() else None)(d.find_element(By.ID, "close-error")))
    assert "3" in err, err
    assert bed(name)["state"] == "unaccounted"
    reason.clear()
    reason.send_keys("One needle not found; couch and floor searched, patient checked, none in")
    click(d, "#close-submit")   # a click never closes it: it is held
    time.sleep(0.5)
    assert bed(name)["state"] == "unaccounted", "a click closed the session"
    hold(d, d.find_element(By.ID, "close-submit"))
    wait_for("close dialog closed", lambda: not d.find_element(By.ID, "close-dialog").is_displayed())
    b = wait_api(name, "no longer unaccounted", lambda x: x["state"] != "unaccounted")
    assert b["state"] in ("observation", "completed"), f"after close: {b['state']}"
    wait_for("card left unaccounted", lambda: card_attr(d, name, "data-state") == b["state"])


def ensure_running(name):
    if bed(name)["state"] not in ("running", "rest"):
        start_api(name, patient="p-0042")
    wait_for(f"bed {name} running", lambda: card_attr(S.d, name, "data-state") in ("running", "rest"))


def confirm_text(d, name):
    return wait_for("confirmation", lambda: (lambda e: e.text if e.is_displayed() else None)(
        d.find_element(By.CSS_SELECTOR, "#sheet .confirm-q")))


def t_rapid_removal():
    d = S.d
    name = "1"
    ensure_running(name)
    click_cmd(d, name, "rapid-removal")
    q = confirm_text(d, name)
    assert "needle shock" in q.lower() and "count them after" in q.lower(), q
    click_cmd(d, name, "cancel-rapid-removal")
    time.sleep(0.5)
    assert bed(name)["state"] in ("running", "rest"), "rapid removal without confirmation"
    left = outstanding(bed(name))
    assert left > 0, f"bed {name} has no needle counted in to remove"
    click_cmd(d, name, "rapid-removal")
    click_cmd(d, name, "confirm-rapid-removal")
    # Out now, count later: timing stops and the card asks how many were recovered.
    wait_for("COUNT NEEDLES", lambda: text(d, name, ".state-word") == "COUNT NEEDLES")
    b = bed(name)
    assert b["state"] == "reconcile" and outstanding(b) == left, f"after rapid removal: {b['state']} {b['needles']}"
    big = norm(text(d, name, ".countdown"))
    assert big == f"{left} NEEDLE{'' if left == 1 else 'S'} TO COUNT", f"big text {big!r}"
    assert buttons(d, name) == ["reconcile", "silence"], f"buttons in reconcile: {buttons(d, name)}"
    assert animation(d, name) == "flash-amber", f"the reminder does not flash amber: {animation(d, name)!r}"
    check_layout(d, 800, 480, S.beds)
    screenshot(d, "kiosk-800x480-reconcile.png")
    click_cmd(d, name, "reconcile")
    wait_for("recovered-count dialog", lambda: d.find_element(By.ID, "reconcile-dialog").is_displayed())
    check_dialog(d, "reconcile-dialog")
    assert d.find_element(By.ID, "reconcile-count").text == "0", "the count starts from nothing"
    for _ in range(left + 1):
        click(d, "#reconcile-plus")
    click(d, "#reconcile-minus")
    assert d.find_element(By.ID, "reconcile-count").text == str(left)
    screenshot(d, "kiosk-800x480-reconcile-dialog.png")
    click(d, "#reconcile-submit")
    wait_for("ABORTED", lambda: text(d, name, ".state-word") == "ABORTED")
    wait_for("dialog closed", lambda: not d.find_element(By.ID, "reconcile-dialog").is_displayed())
    b = bed(name)
    assert b["state"] == "aborted" and outstanding(b) == 0, f"after the count: {b['state']} {b['needles']}"


def t_abort_confirm():
    d = S.d
    name = "1"
    ensure_running(name)
    click_cmd(d, name, "abort")
    q = confirm_text(d, name)
    assert "still counted in" in q, f"abort does not warn about needles in: {q!r}"
    screenshot(d, "kiosk-800x480-abort-confirm.png")
    click_cmd(d, name, "cancel-abort")
    time.sleep(0.5)
    assert bed(name)["state"] in ("running", "rest"), "aborted without confirmation"
    click_cmd(d, name, "abort")
    click_cmd(d, name, "confirm-abort")
    # Needles still counted in: the session is held until they are counted out.
    wait_for("unaccounted", lambda: card_attr(d, name, "data-state") == "unaccounted")
    open_needles(d, name)
    click(d, "#needle-out-all")
    wait_for("ABORTED", lambda: text(d, name, ".state-word") == "ABORTED")
    wait_for("needle dialog closed", lambda: not d.find_element(By.ID, "needle-dialog").is_displayed())
    assert bed(name)["state"] == "aborted"


def t_no_script_errors():
    # HTTP errors the test provoked on purpose (409, 422, 503) are logged too: only script errors count.
    logs = [e for e in S.d.get_log("browser") if e.get("level") == "SEVERE"]
    errors = [e["message"] for e in logs if "Failed to load resource" not in e["message"]]
    assert not errors, f"JavaScript errors: {errors}"


def t_connection_fallback_and_lost():
    d = S.d
    conn = lambda: d.find_element(By.ID, "conn").get_attribute("data-mode")  # noqa: E731
    banner = lambda: d.find_element(By.ID, "banner")  # noqa: E731
    name = other_bed()
    start_api(name, patient="p-9")
    try:
        S.link.stream_down = True
        wait_for("polling fallback", lambda: conn() == "polling", timeout=10)
        assert not banner().is_displayed(), "banner shown while polling works"
        before = text(d, name, ".countdown")
        wait_for("countdown still live while polling", lambda: text(d, name, ".countdown") != before, timeout=4)
        S.link.offline = True
        wait_for("connection-lost banner", lambda: banner().is_displayed(), timeout=10)
        assert "not live" in banner().text.lower(), banner().text
        wait_for("card marked stale", lambda: "stale" in card_attr(d, name, "class"))
        assert "NOT LIVE" in text(d, name, ".stale-note")
        held = text(d, name, ".countdown")
        time.sleep(1.5)
        assert text(d, name, ".countdown") == held, "a stale countdown kept ticking"
        ensure_sheet(d, name)
        assert all(not b.is_enabled() for b in d.find_elements(By.CSS_SELECTOR, "#sheet .actions button")), "buttons enabled while offline"
        # An alarm stays an alarm: the card keeps its colour under the NOT LIVE hatch.
        assert "repeating-linear-gradient" in d.execute_script("return getComputedStyle(arguments[0]).backgroundImage", card(d, name))
        check_layout(d, 800, 480, S.beds)
        screenshot(d, "kiosk-800x480-connection-lost.png")
    finally:
        S.link.offline = S.link.stream_down = False
    wait_for("back online", lambda: not banner().is_displayed() and "stale" not in card_attr(d, name, "class"), timeout=10)
    wait_for("stream again", lambda: conn() == "live", timeout=12)


CHECKS = [
    ("API answers (beds, protocols, checklist)", t_api_ready),
    # The interrupted beds' check comes here, first after the API check.
    ("API refuses a start without consent (422 problem)", t_consent_required_by_api),
    ("API refuses an incomplete checklist, an absolute item, an unacknowledged relative one", t_checklist_api),
    ("800x480: page loads, cards side by side, no scrolling", t_layout_800),
    ("page refuses a start without consent and says why", t_start_without_consent_refused),
    ("checklist: unanswered items and an absolute contraindication block the start", t_checklist_absolute_blocks),
    ("checklist: a relative contraindication needs its acknowledgement", t_checklist_relative_needs_ack),
    ("page starts a session on bed 1 (None of these apply + consent)", t_start_session),
    ("needle counts on the card", t_needle_counts_on_card),
    ("countdown ticks and matches the server", t_countdown_ticks),
    ("pause: PAUSED and the countdown holds", t_pause),
    ("resume: running again", t_resume),
    ("paused past the pause limit with needles in: PAUSE TOO LONG, flashing; resume ends it", t_pause_too_long),
    ("+1 min past the clinic's longest session asks for a reason, then extends", t_extend_asks_for_a_reason_only_past_the_ceiling),
    ("a refused command shows the problem detail on the card", t_api_error_shown),
    ("needle dialog: count in (+/−) and out per site", t_needle_dialog),
    ("overrun: +m:ss, OVERRUN, acknowledge button, flashing", t_overrun),
    ("1920x1080: layout and screenshot", t_layout_1920),
    ("overrun: count each needle out, then acknowledge", t_acknowledge),
    ("observation shows the aftercare; ending it from the page", t_observation_aftercare),
    ("acknowledging with needles still in: the unaccounted alarm", t_unaccounted),
    ("silence: SILENCED m:ss, steady", t_silence),
    ("close with a reason from the page leaves unaccounted", t_close_with_reason),
    ("rapid removal asks to confirm, stops timing, then asks how many were recovered", t_rapid_removal),
    ("abort asks to confirm; with needles in, counted out first", t_abort_confirm),
    ("stream down: polling; server down: banner and stale cards", t_connection_fallback_and_lost),
    ("no JavaScript errors in the page", t_no_script_errors),
]


def main():
    global passed, failed
    print(f"kiosk test against {BASE}; screenshots in {ARTIFACTS}/")
    checks = list(CHECKS)
    label = "interrupted beds " + ",".join(INTERRUPTED_BEDS) if INTERRUPTED_BEDS else "interrupted beds"
    checks.insert(1, (f"{label}: shown; resumed, or counted out and finished, from the page", t_interrupted))
    S.link = LinkProxy(BASE).start()
    try:
        for name, fn in checks:
            if fn is t_interrupted and not INTERRUPTED_BEDS:
                print(f"SKIP {name} (needs DWELL_INTERRUPTED_BEDS: sessions interrupted by a restart)")
                continue
            if fn is t_pause_too_long and not PAUSE_LIMIT_S:
                print(f"SKIP {name} (needs DWELL_PAUSE_LIMIT_S: a daemon with a short clinic.pause_limit)")
                continue
            try:
                fn()
                passed += 1
                print(f"PASS {name}")
            except Exception as e:  # noqa: BLE001
                failed += 1
                print(f"FAIL {name}: {e}")
                traceback.print_exc(limit=3, file=sys.stdout)
                if S.d is not None:
                    try:
                        screenshot(S.d, f"failure-{passed + failed:02d}.png")
                        for dialog in S.d.find_elements(By.CSS_SELECTOR, "dialog[open]"):
                            S.d.execute_script("arguments[0].close()", dialog)
                    except Exception:  # noqa: BLE001
                        pass
                if fn in (t_api_ready, t_layout_800):
                    break
    finally:
        if S.d is not None:
            S.d.quit()
        S.link.stop()
        for name in S.beds[:2]:
            try:
                make_idle(name)
            except Exception:  # noqa: BLE001
                pass
    print(f"kiosk: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
