"""The kiosk page against a dwelld that requires a token, in headless Chromium
(KioskBrowserTests starts dwelld with --token-file):

    DWELL_URL=http://127.0.0.1:PORT DWELL_TOKEN=… python3 Tests/Kiosk/token_test.py

1. Handed over in the start URL (`/#token=…`): the page goes live on the stream (read with
   fetch, which sends the token), keeps the token and removes it from the address bar.
2. In a fresh browser without it: the page asks for the token; once typed, it goes live.
3. A start from the page goes through the gate (JSON, same origin, token) and is shown.
Prints `token: N passed, N failed`.
"""

import os
import sys

from selenium.webdriver.common.by import By

from headless import chromium, wait_for

BASE = os.environ.get("DWELL_URL", "http://127.0.0.1:18470").rstrip("/")
TOKEN = os.environ["DWELL_TOKEN"]


def mode(d):
    return d.find_element(By.ID, "conn").get_attribute("data-mode")


def handed_over(d):
    d.get(f"{BASE}/#token={TOKEN}")
    wait_for("the live stream", lambda: mode(d) == "live", timeout=15)
    assert d.execute_script("return localStorage.getItem('dwell-token')") == TOKEN, "the token is kept"
    assert "token" not in d.current_url, d.current_url
    assert len(d.find_elements(By.CSS_SELECTOR, ".card")) >= 2, "the beds are shown"


def typed(d):
    d.get(BASE + "/")
    dialog = d.find_element(By.ID, "token-dialog")
    wait_for("the token dialog", dialog.is_displayed, timeout=15)
    assert mode(d) != "live"
    d.find_element(By.ID, "token-input").send_keys(TOKEN)
    d.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
    wait_for("the live stream after the token", lambda: mode(d) == "live", timeout=15)
    assert not dialog.is_displayed()


def start_from_page(d):
    result = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/api/v1/checklist', {headers: {Authorization: 'Bearer ' + localStorage.getItem('dwell-token')}})
          .then((r) => r.json()).then((list) => {
            const screening = {};
            [...list.absolute, ...list.relative].forEach((item) => { screening[item.code] = false; });
            return window.DwellKiosk.send('1', 'session',
              {protocol: 'knee-non-trigger-point', consent: true, patient: 'p-7', screening, acknowledged: []});
          }).then((res) => done(res.ok ? 'ok' : String(res.message)), (e) => done(String(e)));
    """)
    assert result == "ok", result
    wait_for("bed 1 running", lambda: "RUNNING" in d.find_element(By.CSS_SELECTOR, ".card").text, timeout=15)


def main():
    passed = failed = 0
    for name, check in (("a token handed over in the URL", handed_over), ("a token typed into the page", typed)):
        d = chromium()
        try:
            check(d)
            if name.startswith("a token typed"):
                start_from_page(d)
                name += "; a start from the page"
            passed += 1
            print(f"PASS {name}")
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}: {e}")
        finally:
            d.quit()
    print(f"token: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
