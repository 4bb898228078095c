"""What the small kiosk browser checks share: a headless Chromium at the 7" panel's size, and a
wait with a deadline that fails with what it waited for."""

import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def chromium(size="800,480"):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={size}", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    d = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    # A click runs a script in the page; on a loaded host the renderer has stalled past the
    # default 30 s once ("script timeout"). The checks' own deadlines are what bound the waits.
    d.set_script_timeout(120)
    d.set_page_load_timeout(120)
    return d


def wait_for(what, fn, timeout=10.0, interval=0.1):
    """Polls `fn` until it returns something true, and returns that; past the deadline, fails with
    what it waited for and the last value (or error) seen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
            last = value
        except Exception as e:  # noqa: BLE001 (retry on anything while waiting)
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
