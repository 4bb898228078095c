"""The kiosk page's clinic-record banner, in headless Chromium, against a dwelld that replaced a
damaged record at start-up (RecordRecoveryTests starts it):

    DWELL_URL=http://127.0.0.1:PORT python3 Tests/Kiosk/record_banner_test.py

The banner names where the damaged record went; Acknowledge (a JSON POST from the page) hides it
and the API then shows the fault acknowledged. Bed 1 (its session unknown: it began in the damaged
record) shows INTERRUPTED with the daemon's reason, the clock warning (its times are uncertain)
and no Resume. Prints `record banner: N passed, N failed`.
"""

import json
import os
import sys
import urllib.request

from selenium.webdriver.common.by import By

from headless import chromium, wait_for

BASE = os.environ.get("DWELL_URL", "http://127.0.0.1:18470").rstrip("/")


def get(path):
    with urllib.request.urlopen(BASE + path, timeout=10) as res:
        return json.loads(res.read())


def record():
    return get("/api/v1/record")


def unknown_session_card(d):
    i = get("/api/v1/beds/1")["interruption"]
    assert i and i["uncertain"] and not i["resumable"] and i["reason"], f"bed 1 interruption: {i}"
    card = d.find_element(By.ID, "bed-1")
    wait_for("bed 1 interrupted", lambda: card.get_attribute("data-state") == "interrupted")
    # The details and the buttons are in the bed's action sheet: a tap on its card opens it.
    card.find_element(By.CSS_SELECTOR, ".card-open").click()
    sheet = d.find_element(By.ID, "sheet")
    wait_for("bed 1's sheet", lambda: sheet.is_displayed() and sheet.find_elements(By.CSS_SELECTOR, ".actions button"))
    info = " ".join(sheet.find_element(By.CSS_SELECTOR, ".info").text.split())
    assert "Clock not synchronised" in info and " ".join(i["reason"].split()) in info, info
    commands = {b.get_attribute("data-cmd") for b in sheet.find_elements(By.CSS_SELECTOR, ".actions button")}
    d.find_element(By.ID, "sheet-back").click()
    assert "resume" not in commands and "finish" in commands, commands


def main():
    d = chromium()
    passed = failed = 0
    try:
        fault = record()["fault"]
        assert fault and not fault["acknowledged"], f"GET /api/v1/record: {fault}"
        d.get(BASE + "/")
        banner = d.find_element(By.ID, "record-banner")
        wait_for("the record banner", banner.is_displayed)
        text = banner.text
        assert "CLINIC RECORD DAMAGED" in text and fault["moved_to"] in text, text
        passed += 1
        print("PASS banner names the damaged record's new place")
        d.find_element(By.ID, "record-ack").click()
        wait_for("the banner to go", lambda: not banner.is_displayed())
        assert record()["fault"]["acknowledged"] is True, record()
        passed += 1
        print("PASS Acknowledge hides it and the fault is acknowledged")
        unknown_session_card(d)
        passed += 1
        print("PASS an unknown session: INTERRUPTED, the reason, times uncertain, no Resume")
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL {e}")
    finally:
        d.quit()
    print(f"record banner: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
