#!/usr/bin/env python3
"""The clinic board (`dwell hub serve`) in headless Chromium at 1920x1080 and 800x480.

    DWELL_CLINIC_URL=http://127.0.0.1:PORT DWELL_ARTIFACTS=artifacts/clinic python3 Tests/Kiosk/clinic_test.py

HubClinicBoardTests starts it against a throwaway PostgreSQL with three rooms: room-1 has a
patient calling on bed 2 (an alarm), room-2 is quiet, room-3 stopped reporting more than 10 s
ago. At each size it checks that the stream is live, the rooms are in order (alarms first,
OFFLINE last), room-3 is marked OFFLINE and still shows its last beds, the calling bed reads
PATIENT CALLING in its alarm tile, and nothing overflows the page's width; screenshots go to
DWELL_ARTIFACTS as clinic-<size>.png. Ends with `clinic: N passed, N failed`.
"""

import os
import sys

from headless import chromium, wait_for

URL = os.environ["DWELL_CLINIC_URL"]
ARTIFACTS = os.environ.get("DWELL_ARTIFACTS", "artifacts/clinic")
passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


os.makedirs(ARTIFACTS, exist_ok=True)
for size in ("1920,1080", "800,480"):
    driver = chromium(size)
    try:
        driver.get(URL + "/")
        wait_for("the stream to be live", lambda: driver.execute_script(
            "return document.querySelector('#conn').dataset.mode === 'live'"), timeout=30)
        rooms = wait_for("three rooms on the page", lambda: (lambda r: r if len(r) == 3 else None)(
            driver.execute_script(
                "return [...document.querySelectorAll('.room')].map(r => [r.dataset.device, r.dataset.alarm,"
                " r.dataset.offline, r.querySelectorAll('.bed').length, r.querySelector('.offline') ?"
                " r.querySelector('.offline').textContent : ''])")), timeout=30)
        check(f"{size}: alarms first, OFFLINE last", [r[0] for r in rooms] == ["room-1", "room-2", "room-3"], rooms)
        check(f"{size}: room-1 in alarm", rooms[0][1] == "true", rooms[0])
        check(f"{size}: room-3 OFFLINE with its last beds", rooms[2][2] == "true" and rooms[2][4] == "OFFLINE"
              and rooms[2][3] == 2, rooms[2])
        check(f"{size}: room-2 reporting", rooms[1][2] == "false" and rooms[1][3] == 2, rooms[1])
        calling = driver.execute_script(
            "return [...document.querySelectorAll('.room[data-device=\"room-1\"] .bed')]"
            ".map(b => [b.querySelector('.word').textContent, b.dataset.alarm])")
        check(f"{size}: PATIENT CALLING in an alarm tile", ["PATIENT CALLING", "true"] in calling, calling)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        check(f"{size}: nothing wider than the screen", overflow <= 0, overflow)
        summary = driver.execute_script("return document.querySelector('#summary').textContent")
        check(f"{size}: the summary counts", summary == "3 rooms · 1 with alarms · 1 offline", summary)
        driver.save_screenshot(os.path.join(ARTIFACTS, f"clinic-{size.replace(',', 'x')}.png"))
    finally:
        driver.quit()

print(f"clinic: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
