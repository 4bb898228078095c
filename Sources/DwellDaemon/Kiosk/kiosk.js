// Dwell kiosk page: one card per bed, live from dwelld's /api/v1 (Server-Sent Events, with
// polling as a fallback). Plain ES2020, no dependencies.
"use strict";

(() => {
  const API = "/api/v1";
  const POLL_MS = 1000;            // fallback polling interval
  const STREAM_RETRY_MS = 5000;    // re-open a stream that closed for good
  const STALL_MS = 3500;           // a running bed must hear from the server this often
  const ERROR_SHOW_MS = 20000;     // how long a command error stays on a card
  const CONFIRM_MS = 8000;         // an unanswered abort confirmation goes away

  const TICKING = new Set(["running", "rest", "overrun", "observation"]);
  const STATE_WORDS = {
    idle: "IDLE", running: "RUNNING", rest: "REST", paused: "PAUSED", overrun: "OVERRUN",
    observation: "OBSERVATION", completed: "COMPLETED", aborted: "ABORTED",
  };

  const beds = new Map();        // bed id -> {data, at (performance.now of receipt), el, ...}
  let protocols = null;          // [{id,title,...}] once loaded
  const protocolsById = new Map();

  const conn = {
    stream: null, streamOpen: false, lastStreamMsg: 0,
    pollTimer: null, pollOk: false, lastOk: 0, lastOkWall: null, retryTimer: null,
  };

  const $ = (sel, root = document) => root.querySelector(sel);
  const beds_el = $("#beds");

  // ---------------------------------------------------------------------------------------
  // Formatting

  function mmss(ms) {
    // Countdown: whole seconds rounded up (shows 0:01 until the step actually ends).
    const total = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function countUp(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    return `+${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function wallTime(d) {
    return d ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—";
  }

  function parseNotation(text) {
    // "3m", "1m30s", "500ms" -> ms; null when it is not a duration.
    const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text || "");
    if (!m || !text) return null;
    const [h, mi, s, ms] = m.slice(1).map((g) => Number(g || 0));
    return ((h * 60 + mi) * 60 + s) * 1000 + ms;
  }

  function stepLength(text) {
    // The step's planned length is the last token of its description ("… · 3m", "rest 1m").
    if (!text) return null;
    const token = text.trim().split(/[\s·]+/).pop();
    return parseNotation(token);
  }

  // ---------------------------------------------------------------------------------------
  // Cards

  function cardFor(id) {
    let bed = beds.get(id);
    if (bed) return bed;
    const el = $("#card-template").content.firstElementChild.cloneNode(true);
    el.id = `bed-${id}`;
    el.dataset.bed = id;
    $(".bed-no", el).textContent = id;
    el.setAttribute("aria-label", `Bed ${id}`);
    bed = { id, el, data: null, at: 0, wall: null, confirm: false, busy: false,
            errorTimer: null, confirmTimer: null, stepMax: new Map(), actionsKey: "" };
    beds.set(id, bed);
    $("#empty")?.remove();
    const sorted = [...beds.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
    sorted.forEach((b) => beds_el.appendChild(b.el));
    layout();
    return bed;
  }

  function update(data) {
    if (!data || data.bed == null) return;
    const bed = cardFor(String(data.bed));
    const prev = bed.data;
    bed.data = data;
    bed.at = performance.now();
    bed.wall = new Date();
    if (!prev || prev.state !== data.state || prev.signal !== data.signal || prev.fault !== data.fault) {
      announce(bed, prev);
      if (prev && prev.state !== data.state) cancelConfirm(bed);
    }
    render(bed);
  }

  function announce(bed, prev) {
    const d = bed.data;
    let text = `Bed ${bed.id}: ${stateWord(d).toLowerCase()}`;
    if (d.signal === "attention-escalated") text += ", alarm: needles may still be in";
    if (d.fault && !(prev && prev.fault)) text += ", device fault";
    if (!d.fault && prev && prev.fault) text += ", fault cleared";
    const line = document.createElement("p");
    line.textContent = text + ".";
    const region = $("#announce");
    region.appendChild(line);
    while (region.childElementCount > 4) region.firstElementChild.remove();
  }

  function stateWord(d) {
    if (d.state === "overrun") return "OVERRUN";
    if (d.signal === "warning") return "ENDING SOON";
    return STATE_WORDS[d.state] || String(d.state).toUpperCase();
  }

  function liveRemaining(bed, now = performance.now()) {
    const d = bed.data;
    if (d.remaining_ms == null) return null;
    if (!TICKING.has(d.state)) return d.remaining_ms;
    // Tick locally between server updates, but never further than a few seconds on our own;
    // when the connection is lost, hold the value at the last moment we heard from the server.
    const until = isStale() ? Math.max(bed.at, conn.lastOk) : now;
    const since = Math.min(Math.max(0, until - bed.at), STALL_MS);
    const r = d.remaining_ms - since;
    // Do not predict the end of a step: the server says when it has ended.
    if (d.remaining_ms >= 0 && d.state !== "overrun") return Math.max(0, r);
    return r;
  }

  function render(bed) {
    const d = bed.data;
    if (!d) return;
    const el = bed.el;
    el.dataset.state = d.state;
    el.dataset.signal = d.signal;
    el.classList.toggle("fault", !!d.fault);
    $(".fault-badge", el).hidden = !d.fault;
    $(".state-word", el).textContent = stateWord(d);
    $(".protocol", el).textContent = d.protocol ? d.protocol.title : "";
    $(".protocol", el).title = d.protocol ? `${d.protocol.title} (v${d.protocol.version})` : "";

    renderCount(bed);

    const cur = $(".current", el), nxt = $(".next", el);
    $(".steps", el).hidden = !d.current && !d.next;
    $(".text", cur).textContent = d.current || "—";
    const stepInfo = d.step != null && d.step_count ? `Step ${d.step + 1}/${d.step_count}` : "Now";
    $(".label", cur).textContent = stepInfo;
    nxt.hidden = !d.next;
    $(".text", nxt).textContent = d.next || "";

    renderProgress(bed);
    renderActions(bed);
    renderStale(bed);
  }

  function renderCount(bed) {
    const d = bed.data;
    const el = bed.el;
    const count = $(".countdown", el);
    const note = $(".count-note", el);
    const r = liveRemaining(bed);
    let text, noteText = "";
    const word = r == null;
    if (word) {
      text = d.state === "idle" ? "Ready" : d.state === "completed" ? "Complete" : d.state === "aborted" ? "Aborted" : "--:--";
      noteText = d.state === "idle" ? "No session" : d.state === "completed" || d.state === "aborted" ? "Bed is free" : "";
    } else if (d.state === "overrun") {
      text = countUp(-r);
      noteText = d.signal === "attention-escalated" ? "OVERRUN ALARM – needles still in?" : "OVERRUN – since the last step ended";
    
    } else {
      text = mmss(r);
      noteText = d.state === "paused" ? "Paused – time is held" : d.state === "observation" ? "Observation left" : d.state === "rest" ? "Rest left" : "Left in this step";
    }
    count.classList.toggle("word", word);
    if (count.textContent !== text) {
      const refit = count.textContent.length !== text.length;
      count.textContent = text;
      if (refit) fitCount(count);
    }
    if (note.textContent !== noteText) note.textContent = noteText;
  }

  function fitCount(count) {
    // The CSS size suits m:ss; a longer text ("+12:34", a word) may need a smaller one.
    count.style.fontSize = "";
    const room = count.parentElement.clientWidth;
    if (room > 0 && count.scrollWidth > room) {
      const size = parseFloat(getComputedStyle(count).fontSize);
      count.style.fontSize = `${Math.floor(size * (room / count.scrollWidth) * 0.97)}px`;
    }
  }

  function renderProgress(bed) {
    const d = bed.data;
    const bar = $(".bar", bed.el);
    const progress = $(".progress", bed.el);
    let frac = 0;
    const n = d.step_count || 0;
    if (d.state === "completed" || d.state === "overrun" || d.state === "observation") frac = 1;
    else if (d.step != null && n > 0) {
      // Steps done plus the share of the current one.
      const key = `${d.session}/${d.step}`;
      const seen = Math.max(bed.stepMax.get(key) || 0, d.remaining_ms || 0);
      bed.stepMax.set(key, seen);
      // The step's length: `step_ms` if the server sends it, else read from the description.
      const len = Math.max(d.step_ms || stepLength(d.current) || 0, seen);
      const r = liveRemaining(bed);
      const within = len > 0 && r != null ? Math.min(1, Math.max(0, 1 - r / len)) : 0;
      frac = (d.step + within) / n;
    } else if (d.state === "aborted" && d.planned_ms) {
      frac = Math.min(1, (d.elapsed_ms || 0) / d.planned_ms);
    }
    const pct = Math.round(frac * 1000) / 10;
    bar.style.width = `${pct}%`;
    progress.setAttribute("aria-valuenow", String(Math.round(pct)));
    progress.hidden = d.state === "idle";
  }

  function renderStale(bed) {
    const stale = isStale() || (bed.data && TICKING.has(bed.data.state) && performance.now() - bed.at > STALL_MS);
    bed.el.classList.toggle("stale", stale);
    const note = $(".stale-note", bed.el);
    note.hidden = !stale;
    if (stale) note.textContent = `NOT LIVE – last update ${wallTime(bed.wall)}`;
  }

  // ---------------------------------------------------------------------------------------
  // Buttons

  function actionsFor(d) {
    switch (d.state) {
      case "idle": case "completed": case "aborted":
        return [["start", "Start", "primary"]];
      case "running": case "rest":
        return [["pause", "Pause", ""], ["extend", "+1 min", ""], ["skip", "Skip", ""], ["abort", "Abort", "danger"]];
      case "paused":
        return [["resume", "Resume", "primary"], ["extend", "+1 min", ""], ["abort", "Abort", "danger"]];
      case "overrun":
        return [["ack", "Needles out – acknowledge", "primary ack"], ["extend", "+1 min", ""]];
      case "observation":
        return [["skip", "End observation", ""]];
      default:
        return [];
    }
  }

  function renderActions(bed) {
    const box = $(".actions", bed.el);
    const d = bed.data;
    const list = bed.confirm ? "confirm" : actionsFor(d).map((a) => a[0]).join(",");
    const key = `${list}|${bed.busy}|${isStale()}`;
    if (key === bed.actionsKey) return;
    bed.actionsKey = key;
    box.replaceChildren();
    box.classList.toggle("confirming", bed.confirm);
    if (bed.confirm) {
      const q = document.createElement("p");
      q.className = "confirm-q";
      q.textContent = `Abort the session on bed ${bed.id}?`;
      q.setAttribute("role", "alert");
      box.append(q,
        button("confirm-abort", "Yes, abort", "danger", () => { cancelConfirm(bed); send(bed.id, "abort"); }),
        button("cancel-abort", "Keep going", "", () => cancelConfirm(bed)));
      return;
    }
    for (const [cmd, label, cls] of actionsFor(d)) {
      const b = button(cmd, label, cls, () => onAction(bed, cmd));
      b.disabled = bed.busy || isStale();
      box.append(b);
    }
  }

  function button(cmd, label, cls, handler) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn ${cls}`.trim();
    b.dataset.cmd = cmd;
    b.textContent = label;
    b.addEventListener("click", handler);
    return b;
  }

  function onAction(bed, cmd) {
    clearError(bed);
    if (cmd === "start") return openStart(bed.id);
    if (cmd === "abort") {
      bed.confirm = true;
      renderActions(bed);
      bed.confirmTimer = setTimeout(() => cancelConfirm(bed), CONFIRM_MS);
      return;
    }
    send(bed.id, cmd);
  }

  function cancelConfirm(bed) {
    clearTimeout(bed.confirmTimer);
    if (!bed.confirm) return;
    bed.confirm = false;
    renderActions(bed);
  }

  async function send(id, cmd, body) {
    const bed = cardFor(String(id));
    clearError(bed);
    bed.busy = true;
    renderActions(bed);
    try {
      const res = await request(`${API}/beds/${encodeURIComponent(id)}/${cmd}`, body);
      if (res.ok) update(res.body);
      else showError(bed, res.message);
    } finally {
      bed.busy = false;
      render(bed);
    }
  }

  async function request(url, body) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
      let payload = null;
      try { payload = await res.json(); } catch (_) { /* not JSON */ }
      if (res.ok) return { ok: true, body: payload };
      return { ok: false, status: res.status, message: problemText(res, payload) };
    } catch (e) {
      return { ok: false, status: 0, message: "No answer from the Dwell service: the command was not sent. Check the connection and try again." };
    }
  }

  function problemText(res, p) {
    if (p && typeof p === "object" && (p.detail || p.title)) {
      return p.detail ? String(p.detail) : String(p.title);
    }
    return `The Dwell service refused the command (HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}).`;
  }

  function showError(bed, message) {
    const box = $(".error", bed.el);
    box.textContent = message;
    box.hidden = false;
    clearTimeout(bed.errorTimer);
    bed.errorTimer = setTimeout(() => clearError(bed), ERROR_SHOW_MS);
  }

  function clearError(bed) {
    clearTimeout(bed.errorTimer);
    const box = $(".error", bed.el);
    box.hidden = true;
    box.textContent = "";
  }

  // ---------------------------------------------------------------------------------------
  // Start form

  const dialog = $("#start-dialog");
  const form = $("#start-form");
  let startBed = null;

  async function loadProtocols() {
    try {
      const res = await fetch(`${API}/protocols`, { cache: "no-store" });
      if (!res.ok) throw new Error(String(res.status));
      protocols = await res.json();
      protocolsById.clear();
      protocols.forEach((p) => protocolsById.set(p.id, p));
      return true;
    } catch (_) {
      return false;
    }
  }

  function minutes(ms) {
    const m = Math.round(ms / 6000) / 10;
    return `${m} min`;
  }

  async function openStart(id) {
    startBed = id;
    $("#start-bed").textContent = id;
    setStartError("");
    form.reset();
    const select = $("#start-protocol");
    select.replaceChildren(new Option("Loading protocols…", ""));
    if (!dialog.open) dialog.showModal();
    const ok = await loadProtocols();
    select.replaceChildren();
    if (!ok || !protocols.length) {
      select.append(new Option(ok ? "No protocols installed" : "Protocols could not be loaded", ""));
      setStartError(ok ? "No protocols are installed on this Dwell service." : "The protocol list could not be loaded. Check the connection and try again.");
      return;
    }
    select.append(new Option("Choose a protocol…", ""));
    for (const p of protocols) {
      const obs = p.observation_ms ? ` + ${minutes(p.observation_ms)} obs.` : "";
      select.append(new Option(`${p.title} — ${minutes(p.length_ms)}${obs} (v${p.version})`, p.id));
    }
    if (protocols.length === 1) select.value = protocols[0].id;
  }

  function setStartError(text) {
    const box = $("#start-error");
    box.textContent = text;
    box.hidden = !text;
  }

  $("#start-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("cancel", () => { startBed = null; });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const protocol = $("#start-protocol").value;
    const therapist = $("#start-therapist").value.trim();
    const patient = $("#start-patient").value.trim();
    const consent = $("#start-consent").checked;
    const missing = [];
    if (!protocol) missing.push("choose a protocol");
    if (!therapist) missing.push("enter the therapist ID");
    if (!patient) missing.push("enter the patient pseudonym");
    if (!consent) missing.push("tick “Patient has given informed consent” – a session cannot start without it");
    if (missing.length) {
      setStartError(`Not started: ${missing.join("; ")}.`);
      return;
    }
    const submit = $("#start-submit");
    submit.disabled = true;
    setStartError("");
    try {
      const res = await request(`${API}/beds/${encodeURIComponent(startBed)}/session`,
        { protocol, therapist, patient, consent: true });
      if (res.ok) {
        update(res.body);
        dialog.close();
      } else {
        setStartError(`Not started: ${res.message}`);
      }
    } finally {
      submit.disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------------
  // Connection: Server-Sent Events, polling as a fallback, a banner when neither works.

  function isStale() {
    return !conn.streamOpen && !conn.pollOk;
  }

  function openStream() {
    clearTimeout(conn.retryTimer);
    if (conn.stream) conn.stream.close();
    if (typeof EventSource === "undefined") { startPolling(); return; }
    const es = new EventSource(`${API}/stream`);
    conn.stream = es;
    es.addEventListener("open", () => {
      conn.streamOpen = true;
      conn.lastStreamMsg = performance.now();
      stopPolling();
      refreshConnection();
    });
    es.addEventListener("bed", (ev) => {
      conn.streamOpen = true;
      conn.lastStreamMsg = performance.now();
      markOk();
      try { update(JSON.parse(ev.data)); } catch (_) { /* ignore a malformed event */ }
    });
    es.addEventListener("error", () => {
      conn.streamOpen = false;
      startPolling();
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. HTTP error or wrong content type): try again later.
        conn.retryTimer = setTimeout(openStream, STREAM_RETRY_MS);
      }
      refreshConnection();
    });
  }

  function markOk() {
    conn.lastOk = performance.now();
    conn.lastOkWall = new Date();
  }

  function startPolling() {
    if (conn.pollTimer) return;
    const tick = async () => {
      try {
        const res = await fetch(`${API}/beds`, { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const list = await res.json();
        conn.pollOk = true;
        markOk();
        list.forEach(update);
      } catch (_) {
        conn.pollOk = false;
      }
      refreshConnection();
      if (conn.pollTimer) conn.pollTimer = setTimeout(tick, POLL_MS);
    };
    conn.pollTimer = setTimeout(tick, 0);
  }

  function stopPolling() {
    clearTimeout(conn.pollTimer);
    conn.pollTimer = null;
    conn.pollOk = false;
  }

  function refreshConnection() {
    const now = performance.now();
    // A stream that went quiet while a session runs is dead even if the socket looks open.
    if (conn.streamOpen) {
      const anyTicking = [...beds.values()].some((b) => b.data && TICKING.has(b.data.state));
      if (anyTicking && now - conn.lastStreamMsg > STALL_MS) {
        conn.streamOpen = false;
        startPolling();
        openStream();
      }
    }
    const el = $("#conn");
    const banner = $("#banner");
    let mode, text;
    if (conn.streamOpen) { mode = "live"; text = "Live"; }
    else if (conn.pollOk) { mode = "polling"; text = "Live (polling)"; }
    else if (!conn.lastOkWall) { mode = "connecting"; text = "Connecting…"; }
    else { mode = "lost"; text = "Connection lost"; }
    el.dataset.mode = mode;
    if (el.textContent !== text) el.textContent = text;
    document.body.classList.toggle("is-stale", isStale() && !!conn.lastOkWall);
    const showBanner = mode === "lost" || (mode === "connecting" && now > 4000);
    banner.hidden = !showBanner;
    if (showBanner) {
      const msg = conn.lastOkWall
        ? `Connection lost – the beds below are NOT live (last update ${wallTime(conn.lastOkWall)}). Check the lamps at the beds. Reconnecting…`
        : "No connection to the Dwell service. Check the lamps at the beds. Reconnecting…";
      if (banner.textContent !== msg) banner.textContent = msg;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Layout: every bed visible without scrolling; choose the grid that keeps cards largest.

  function layout() {
    const n = Math.max(1, beds.size);
    const W = beds_el.clientWidth || window.innerWidth;
    const H = beds_el.clientHeight || window.innerHeight;
    let best = { cols: 1, score: -1 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const w = W / cols, h = H / rows;
      // Cards read best a little taller than wide; penalise very flat or very narrow ones.
      const score = Math.min(w, h * 1.05);
      if (score > best.score) best = { cols, score };
    }
    beds_el.style.setProperty("--cols", String(best.cols));
    beds_el.style.setProperty("--rows", String(Math.ceil(n / best.cols)));
  }

  window.addEventListener("resize", () => {
    layout();
    for (const bed of beds.values()) fitCount($(".countdown", bed.el));
  });

  // ---------------------------------------------------------------------------------------
  // Frame loop: smooth countdowns, staleness, clock.

  let lastClock = "";
  function frame() {
    for (const bed of beds.values()) {
      if (!bed.data) continue;
      renderCount(bed);
      if (bed.data.step != null) renderProgress(bed);
      renderStale(bed);
      renderActions(bed);
    }
    const clock = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (clock !== lastClock) { $("#clock").textContent = clock; lastClock = clock; }
    refreshConnection();
  }
  setInterval(frame, 200);

  async function initialLoad() {
    try {
      const res = await fetch(`${API}/beds`, { cache: "no-store" });
      if (res.ok) { markOk(); (await res.json()).forEach(update); }
    } catch (_) { /* the stream or polling will report */ }
  }

  initialLoad();
  openStream();
  loadProtocols();
  frame();

  // A small hook for tests and diagnostics.
  window.DwellKiosk = { send, beds, conn };
})();
