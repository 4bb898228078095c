// Dwell kiosk page: one card per bed, live from dwelld's /api/v1 (Server-Sent Events, with
// polling as a fallback), plus the patient-safety dialogs: the pre-start checklist, the needle
// count, and closing a session whose counts differ. Plain ES2020, no dependencies.
"use strict";

(() => {
  const API = "/api/v1";
  const POLL_MS = 1000;            // fallback polling interval
  const STREAM_RETRY_MS = 5000;    // re-open a stream that closed for good
  const STALL_MS = 3500;           // a bed with a session must hear from the server this often
  const ERROR_SHOW_MS = 20000;     // how long a command error stays on a card
  const CONFIRM_MS = 8000;         // an unanswered confirmation goes away

  // Phases whose remaining time counts on between server updates.
  const TICKING = new Set(["running", "rest", "overrun", "observation"]);
  // Phases without a session (dwelld publishes the others every second).
  const ENDED = new Set(["idle", "completed", "aborted"]);
  // Phases in which needles can be counted in and out from the needle dialog.
  const COUNTING = new Set(["running", "rest", "paused", "overrun", "unaccounted", "interrupted"]);
  const ALARMS = new Set(["overrun", "unaccounted", "interrupted"]);
  const STATE_WORDS = {
    idle: "IDLE", running: "RUNNING", rest: "REST", paused: "PAUSED", overrun: "OVERRUN",
    observation: "OBSERVATION", unaccounted: "UNACCOUNTED", interrupted: "INTERRUPTED",
    completed: "COMPLETED", aborted: "ABORTED",
  };
  const CONFIRMS = {
    abort: { yes: "Yes, abort", no: "Keep going" },
    "rapid-removal": { yes: "Yes, all out", no: "Cancel" },
  };

  const beds = new Map();        // bed id -> {data, at (performance.now of receipt), el, ...}
  let protocols = null;          // [{id,title,...}] once loaded
  let checklist = null;          // {absolute: [{code,label}], relative: [...]} once loaded

  const conn = {
    stream: null, streamOpen: false, lastStreamMsg: 0,
    pollTimer: null, pollOk: false, lastOk: 0, lastOkWall: null, retryTimer: null,
  };

  // ---------------------------------------------------------------------------------------
  // Access: when dwelld has a token (it listens beyond loopback), this browser keeps it once
  // entered (or handed over as #token=… in the kiosk's start URL) and sends it with every call.

  const TOKEN_KEY = "dwell-token";
  let token = null;
  try { token = localStorage.getItem(TOKEN_KEY); } catch (_) { /* storage disabled */ }
  const handed = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (handed) {
    token = decodeURIComponent(handed[1]);
    try { localStorage.setItem(TOKEN_KEY, token); } catch (_) { /* kept for this page only */ }
    history.replaceState(null, "", location.pathname + location.search);
  }

  // Every API call: JSON for POSTs (dwelld refuses anything else), the token when there is one.
  async function api(path, options = {}) {
    const headers = { ...(options.headers || {}) };
    if (options.method === "POST") headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${API}/${path}`, { cache: "no-store", ...options, headers });
    if (res.status === 401) askForToken();
    return res;
  }

  function askForToken() {
    const dialog = document.getElementById("token-dialog");
    if (!dialog || dialog.open) return;
    document.getElementById("token-error").hidden = !token;
    document.getElementById("token-input").value = "";
    dialog.showModal();
  }

  function saveToken(event) {
    event.preventDefault();
    const value = document.getElementById("token-input").value.trim();
    if (!value) return;
    token = value;
    try { localStorage.setItem(TOKEN_KEY, token); } catch (_) { /* kept for this page only */ }
    document.getElementById("token-dialog").close();
    initialLoad();
    openStream();
    loadProtocols();
  }

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
  const beds_el = $("#beds");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

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

  function hoursMinutes(d) {
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function ago(ms) {
    // A span of time, as a person says it: "45 s", "12 min", "1 h 05 min".
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s} s`;
    const min = Math.floor(s / 60);
    if (min < 60) return `${min} min`;
    return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
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

  function outstanding(d) {
    return d && d.needles ? d.needles.outstanding : 0;
  }

  // ---------------------------------------------------------------------------------------
  // What a card shows in each phase (the render functions below apply it).

  function describe(bed) {
    const d = bed.data;
    const v = { kind: "word", count: "--:--", note: "", steps: null, info: [], aftercare: false, progress: true };
    const left = outstanding(d);
    const stepLabel = d.step != null && d.step_count ? `Step ${d.step + 1}/${d.step_count}` : "Now";
    switch (d.state) {
      case "idle":
        Object.assign(v, { count: "Ready", note: "No session", progress: false });
        break;
      case "completed": case "aborted":
        Object.assign(v, { count: d.state === "completed" ? "Complete" : "Aborted", note: "Bed is free", aftercare: true });
        break;
      case "running": case "rest": case "paused":
        v.kind = "time";
        v.note = d.state === "paused" ? "Paused – time is held" : d.state === "rest" ? "Rest left" : "Left in this step";
        v.steps = [[stepLabel, d.current], ["Next", d.next]];
        break;
      case "overrun":
        v.kind = "up";
        v.note = /escalated/.test(d.signal) ? "OVERRUN ALARM – needles still in?" : "OVERRUN – since the last step ended";
        v.steps = [["Now", d.current], ["Then", d.next]];
        break;
      case "observation":
        Object.assign(v, { kind: "time", note: "Observation left", aftercare: true });
        break;
      case "unaccounted":
        v.kind = "alarm";
        v.count = !d.needles ? "NEEDLES\nUNACCOUNTED"
          : left >= 0 ? `${left} NEEDLE${left === 1 ? "" : "S"}\nUNACCOUNTED` : `${-left} MORE OUT\nTHAN IN`;
        v.note = left >= 0 ? "Count them out – or close with a reason" : "Correct the count in – or close with a reason";
        v.steps = [["Now", d.current], ["Then", d.next]];
        v.progress = false;
        break;
      case "interrupted":
        Object.assign(v, { kind: "alarm", count: "NEEDLES MAY\nSTILL BE IN", note: "INTERRUPTED – dwelld restarted", progress: false });
        v.info = interruptionLines(d.interruption);
        v.steps = [["To do", d.next]];
        break;
      default:
        v.steps = [["Now", d.current], ["Next", d.next]];
    }
    // Nobody answered for a while: the alarm escalated (the lamps and buzzer say so too).
    if (/-escalated$/.test(d.signal) && d.state !== "overrun") v.note = `ALARM ESCALATED – ${v.note}`;
    if (v.kind !== "word" && v.kind !== "alarm") {
      const r = liveRemaining(bed);
      if (r == null) v.kind = "word";
      else v.count = v.kind === "up" ? countUp(-r) : mmss(r);
    }
    return v;
  }

  function interruptionLines(i) {
    // "Session started 12 min ago (at 19:02)", how long ago the restart was found, and warnings.
    if (!i) return [];
    const lines = [];
    const detected = Date.parse(i.detected_at);
    const sinceFound = Number.isFinite(detected) ? Math.max(0, Date.now() - detected) : null;
    const started = Date.parse(i.started_at);
    let first = `Session started ${ago((i.since_start_ms || 0) + (sinceFound || 0))} ago`;
    if (Number.isFinite(started)) first += ` (at ${hoursMinutes(new Date(started))})`;
    lines.push({ text: first, cls: "since" });
    if (sinceFound != null) lines.push({ text: `Restart found ${ago(sinceFound)} ago`, cls: "found" });
    if (i.uncertain) lines.push({ text: "Clock not synchronised — times uncertain", cls: "warn" });
    if (!i.resumable) lines.push({ text: i.reason || "This session cannot be resumed: count the needles, then finish it", cls: "warn" });
    return lines;
  }

  // ---------------------------------------------------------------------------------------
  // Cards

  function cardFor(id) {
    let bed = beds.get(id);
    if (bed) return bed;
    const node = $("#card-template").content.firstElementChild.cloneNode(true);
    node.id = `bed-${id}`;
    node.dataset.bed = id;
    $(".bed-no", node).textContent = id;
    node.setAttribute("aria-label", `Bed ${id}`);
    bed = { id, el: node, data: null, at: 0, wall: null, confirm: null, busy: false,
            errorTimer: null, confirmTimer: null, stepMax: new Map(), actionsKey: "", infoKey: "", squeezeKey: "" };
    beds.set(id, bed);
    $("#empty")?.remove();
    const sorted = [...beds.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
    sorted.forEach((b) => beds_el.appendChild(b.el));
    // Refit the big text and the aftercare whenever their boxes change size.
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(() => fitCount($(".countdown", node))).observe($(".count-wrap", node));
      for (const part of [".aftercare", ".info"]) new ResizeObserver(() => fitText($(part, node))).observe($(part, node));
    }
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
    dialogsFollow(bed);
  }

  function announce(bed, prev) {
    const d = bed.data;
    let text = `Bed ${bed.id}: ${stateWord(d).toLowerCase()}`;
    if (d.signal === "attention-escalated") text += ", alarm: needles may still be in";
    const left = outstanding(d);
    if (d.state === "unaccounted") text += `, needle counts differ (${left >= 0 ? `${left} not counted out` : `${-left} more out than in`})`;
    if (d.state === "interrupted") text += ", dwelld restarted during the session: needles may still be in";
    if (d.signal === "silenced") text += ", alarm silenced";
    if (d.fault && !(prev && prev.fault)) text += ", device fault";
    if (!d.fault && prev && prev.fault) text += ", fault cleared";
    const line = el("p", null, text + ".");
    const region = $("#announce");
    region.appendChild(line);
    while (region.childElementCount > 4) region.firstElementChild.remove();
  }

  function stateWord(d) {
    if (d.signal === "warning") return "ENDING SOON";
    return STATE_WORDS[d.state] || String(d.state).toUpperCase();
  }

  function sinceReceipt(bed, now = performance.now()) {
    // Time since the bed's last update, but never more than a few seconds on our own; when
    // the connection is lost, held at the last moment we heard from the server.
    const until = isStale() ? Math.max(bed.at, conn.lastOk) : now;
    return Math.min(Math.max(0, until - bed.at), STALL_MS);
  }

  function liveRemaining(bed, now = performance.now()) {
    const d = bed.data;
    if (d.remaining_ms == null) return null;
    if (!TICKING.has(d.state)) return d.remaining_ms;
    const r = d.remaining_ms - sinceReceipt(bed, now);
    // Do not predict the end of a step: the server says when it has ended.
    if (d.remaining_ms >= 0 && d.state !== "overrun") return Math.max(0, r);
    return r;
  }

  function render(bed) {
    const d = bed.data;
    if (!d) return;
    const node = bed.el;
    node.dataset.state = d.state;
    node.dataset.signal = d.signal;
    node.classList.toggle("fault", !!d.fault);
    $(".fault-badge", node).hidden = !d.fault;
    setText($(".state-word", node), stateWord(d));
    setText($(".protocol", node), d.protocol ? d.protocol.title : "");
    $(".protocol", node).title = d.protocol ? `${d.protocol.title} (v${d.protocol.version})` : "";

    const v = describe(bed);
    renderCount(bed, v);
    renderNeedles(bed);
    renderInfo(bed, v);
    renderSteps(bed, v);
    renderAftercare(bed, v);
    renderSilence(bed);
    renderProgress(bed, v);
    renderActions(bed);
    renderStale(bed);
    squeeze(bed);
  }

  // When everything a phase shows does not fit the card (an error, NOT LIVE, a long reason),
  // the less important parts go, in this order, until it fits: nothing is cut off or overlaps.
  const SQUEEZE_STEPS = ["progress", "next step", "protocol", "one-line step", "restart time"];

  function squeeze(bed) {
    const node = bed.el;
    const d = bed.data;
    const shownText = (sel) => { const e = $(sel, node); return e.hidden ? "" : e.textContent; };
    const key = [d.state, d.signal, d.current, d.next, d.aftercare, node.classList.contains("fault"),
                 node.classList.contains("stale"), shownText(".error"), !$(".silence-note", node).hidden,
                 bed.infoKey, bed.actionsKey, node.clientWidth, node.clientHeight].join("|");
    if (key === bed.squeezeKey) return;
    bed.squeezeKey = key;
    // First keep the text blocks comfortably readable (13px); only then go smaller.
    fit: for (const floor of [13, 11]) {
      for (let level = 0; level <= SQUEEZE_STEPS.length; level++) {
        for (let i = 1; i <= SQUEEZE_STEPS.length; i++) node.classList.toggle(`sq${i}`, i <= level);
        fitText($(".aftercare", node), floor);
        fitText($(".info", node), floor);
        if (!overflowing(node)) break fit;
      }
    }
    fitCount($(".countdown", node));
  }

  function overflowing(node) {
    const cut = (e) => !e.hidden && e.scrollHeight > e.clientHeight + 1;
    return node.scrollHeight > node.clientHeight + 1 || cut($(".aftercare", node)) || cut($(".info", node));
  }

  function renderCount(bed, v = describe(bed)) {
    const count = $(".countdown", bed.el);
    bed.el.dataset.count = v.kind === "word" || v.kind === "alarm" ? v.kind : "time";
    count.classList.toggle("word", v.kind === "word");
    count.classList.toggle("alarm", v.kind === "alarm");
    setText($(".count-note", bed.el), v.note);
    if (count.textContent !== v.count) {
      const refit = count.textContent.length !== v.count.length || v.kind === "alarm" || v.kind === "word";
      count.textContent = v.count;
      if (refit) fitCount(count);
    }
  }

  function fitCount(count) {
    // The CSS size suits m:ss; a longer text ("+12:34", a word, two alarm lines) may need a
    // smaller one to fit the box's width and the height left beside the note.
    count.style.fontSize = "";
    const wrap = count.parentElement;
    const roomW = wrap.clientWidth;
    const roomH = wrap.clientHeight - $(".count-note", wrap).offsetHeight;
    if (roomW <= 0 || roomH <= 0) return;
    // A time is sized for its box by the CSS; words may also need to fit the height.
    const words = count.classList.contains("word") || count.classList.contains("alarm");
    const scale = Math.min(roomW / count.scrollWidth, words ? roomH / count.scrollHeight : 1);
    if (scale < 1) {
      const size = parseFloat(getComputedStyle(count).fontSize);
      count.style.fontSize = `${Math.floor(size * scale * 0.97)}px`;
    }
  }

  function fitText(box, floor = 11) {
    // A block of text shrinks (down to a readable minimum) rather than being cut off.
    if (box.hidden) return;
    box.style.fontSize = "";
    let size = parseFloat(getComputedStyle(box).fontSize);
    while (box.scrollHeight > box.clientHeight + 1 && size > floor) {
      size = Math.max(floor, size * 0.92);
      box.style.fontSize = `${size}px`;
    }
  }

  function renderNeedles(bed) {
    const d = bed.data;
    const box = $(".needles", bed.el);
    const n = d.needles;
    box.hidden = !n || d.state === "idle";
    if (box.hidden) return;
    setText($(".needle-counts", box), `Needles in ${n.placed} · out ${n.removed}`);
    const left = $(".needle-left", box);
    let text = "", cls = "";
    if (n.outstanding > 0) {
      // While the steps run, needles in are expected: the counts say enough.
      if (!["running", "rest", "paused"].includes(d.state)) [text, cls] = [`${n.outstanding} STILL IN`, "strong"];
    } else if (n.outstanding < 0) {
      text = `${-n.outstanding} MORE OUT THAN IN`;
      cls = "strong";
    } else if (n.placed > 0) {
      text = "all out ✓";
      cls = "ok";
    }
    setText(left, text);
    left.className = `needle-left ${cls}`.trim();
    left.hidden = !text;
  }

  function renderInfo(bed, v) {
    const box = $(".info", bed.el);
    const key = JSON.stringify(v.info);
    if (key === bed.infoKey) return;
    bed.infoKey = key;
    box.replaceChildren(...v.info.map((line) => el("div", `info-line ${line.cls}`, line.text)));
    box.hidden = !v.info.length;
    fitText(box);
  }

  function renderSteps(bed, v) {
    const steps = $(".steps", bed.el);
    const rows = (v.steps || []).filter(([, text]) => text);
    steps.hidden = !rows.length;
    [$(".current", steps), $(".next", steps)].forEach((row, i) => {
      row.hidden = !rows[i];
      if (!rows[i]) return;
      setText($(".label", row), rows[i][0]);
      setText($(".text", row), rows[i][1]);
    });
  }

  function renderAftercare(bed, v) {
    const box = $(".aftercare", bed.el);
    const text = v.aftercare && bed.data.aftercare ? bed.data.aftercare : "";
    const changed = box.hidden !== !text || $(".text", box).textContent !== text;
    box.hidden = !text;
    setText($(".text", box), text);
    if (changed) fitText(box);
  }

  function renderSilence(bed) {
    const d = bed.data;
    const note = $(".silence-note", bed.el);
    note.hidden = d.silenced_ms == null;
    if (note.hidden) return;
    const left = Math.max(0, d.silenced_ms - sinceReceipt(bed));
    setText(note, `SILENCED ${mmss(left)} · buzzer off`);
    note.title = "The alarm still stands; only the buzzer is quiet for a while.";
  }

  function renderProgress(bed, v) {
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
    progress.hidden = !v.progress;
  }

  function renderStale(bed) {
    const live = bed.data && !ENDED.has(bed.data.state);
    const stale = isStale() || (live && performance.now() - bed.at > STALL_MS);
    bed.el.classList.toggle("stale", stale);
    const note = $(".stale-note", bed.el);
    note.hidden = !stale;
    if (stale) setText(note, `NOT LIVE – last update ${wallTime(bed.wall)}`);
  }

  // ---------------------------------------------------------------------------------------
  // Buttons: rows of [command, label, classes]. Commands that are not the server's open a
  // dialog (start, needles, close) or ask first (abort, rapid-removal).

  const RAPID = ["rapid-removal", "Rapid removal", "danger-outline small"];
  const NEEDLES = ["needles", "Needles", "small"];
  const SILENCE = ["silence", "Silence", "small"];

  function actionsFor(d) {
    switch (d.state) {
      case "idle": case "completed": case "aborted":
        return [[["start", "Start", "primary"]]];
      case "running": case "rest":
        return [[["pause", "Pause", ""], ["extend", "+1\u00a0min", ""], ["skip", "Skip", ""]],
                [NEEDLES, ["abort", "Abort", "danger small"], RAPID]];
      case "paused":
        return [[["resume", "Resume", "primary"], ["extend", "+1\u00a0min", ""]],
                [NEEDLES, ["abort", "Abort", "danger small"], RAPID]];
      case "overrun":
        return [[["ack", "Needles out – acknowledge", "primary ack"], ["extend", "+1\u00a0min", ""]],
                [NEEDLES, SILENCE, RAPID]];
      case "observation":
        return [[["skip", "End observation", ""], ["extend", "+1\u00a0min", ""]]];
      case "unaccounted":
        return [[["needles", "Count needles", "primary"], ["close", "Close with reason…", ""]],
                [SILENCE, RAPID]];
      case "interrupted": {
        const resumable = !d.interruption || d.interruption.resumable !== false;
        const first = [["needles", "Count needles", "primary"]];
        if (resumable) first.push(["resume", "Resume", ""]);
        first.push(["finish", "Finish", ""]);
        return [first, [SILENCE, RAPID]];
      }
      default:
        return [];
    }
  }

  function confirmQuestion(bed) {
    if (bed.confirm === "rapid-removal") return "Needle shock / fainting: all needles out now? The session ends.";
    const left = outstanding(bed.data);
    return `Abort the session on bed ${bed.id}?` + (left > 0 ? ` ${plural(left, "needle")} still counted in.` : "");
  }

  function renderActions(bed) {
    const box = $(".actions", bed.el);
    const rows = actionsFor(bed.data);
    const list = bed.confirm ? `confirm-${bed.confirm}` : rows.map((row) => row.map((a) => a[0]).join(",")).join("/");
    const key = `${list}|${bed.busy}|${isStale()}`;
    if (key === bed.actionsKey) return;
    bed.actionsKey = key;
    box.replaceChildren();
    box.classList.toggle("confirming", !!bed.confirm);
    box.classList.toggle("two-rows", rows.length > 1 || !!bed.confirm);
    if (bed.confirm) {
      const what = bed.confirm;
      const q = el("p", "confirm-q", confirmQuestion(bed));
      q.setAttribute("role", "alert");
      const row = el("div", "action-row");
      row.append(
        button(`confirm-${what}`, CONFIRMS[what].yes, "danger", () => { cancelConfirm(bed); send(bed.id, what); }),
        button(`cancel-${what}`, CONFIRMS[what].no, "", () => cancelConfirm(bed)));
      box.append(q, row);
      return;
    }
    for (const actions of rows) {
      const row = el("div", "action-row");
      for (const [cmd, label, cls] of actions) {
        const b = button(cmd, label, cls, () => onAction(bed, cmd));
        b.disabled = bed.busy || isStale();
        row.append(b);
      }
      box.append(row);
    }
  }

  function button(cmd, label, cls, handler) {
    const b = el("button", `btn ${cls}`.trim(), label);
    b.type = "button";
    b.dataset.cmd = cmd;
    b.addEventListener("click", handler);
    return b;
  }

  function onAction(bed, cmd) {
    clearError(bed);
    switch (cmd) {
      case "start": return openStart(bed.id);
      case "needles": return openNeedles(bed.id);
      case "close": return openClose(bed.id);
      case "abort": case "rapid-removal": return askConfirm(bed, cmd);
      case "extend": return send(bed.id, "extend", { by: "1m" });
      case "ack":
        // Count them out first: with needles still counted in, the button opens the count.
        if (outstanding(bed.data) > 0) return openNeedles(bed.id);
        return send(bed.id, "ack");
      default: return send(bed.id, cmd);
    }
  }

  function askConfirm(bed, what) {
    clearTimeout(bed.confirmTimer);
    bed.confirm = what;
    renderActions(bed);
    bed.confirmTimer = setTimeout(() => cancelConfirm(bed), CONFIRM_MS);
  }

  function cancelConfirm(bed) {
    clearTimeout(bed.confirmTimer);
    if (!bed.confirm) return;
    bed.confirm = null;
    renderActions(bed);
  }

  // ---------------------------------------------------------------------------------------
  // Commands

  async function command(id, cmd, body) {
    // Sends a command; the bed's new state is shown at once. Returns {ok, message}.
    const res = await request(`beds/${encodeURIComponent(id)}/${cmd}`, body);
    if (res.ok) update(res.body);
    return res;
  }

  async function send(id, cmd, body) {
    // A command from a card's button: the card is busy meanwhile and shows a refusal.
    const bed = cardFor(String(id));
    clearError(bed);
    bed.busy = true;
    renderActions(bed);
    try {
      const res = await command(id, cmd, body);
      if (!res.ok) showError(bed, res.message);
      return res;
    } finally {
      bed.busy = false;
      render(bed);
    }
  }

  async function request(path, body) {
    try {
      const res = await api(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
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
    if (bed.data) squeeze(bed);
  }

  function clearError(bed) {
    clearTimeout(bed.errorTimer);
    const box = $(".error", bed.el);
    box.hidden = true;
    box.textContent = "";
    if (bed.data) squeeze(bed);
  }

  function setBoxError(box, text) {
    box.textContent = text;
    box.hidden = !text;
  }

  // ---------------------------------------------------------------------------------------
  // Start form: protocol, therapist, patient, consent, then the contraindication checklist.

  const startDialog = $("#start-dialog");
  const startForm = $("#start-form");
  let startBed = null;

  async function getJSON(path) {
    try {
      const res = await api(path);
      if (!res.ok) throw new Error(String(res.status));
      return await res.json();
    } catch (_) {
      return null;
    }
  }

  async function loadProtocols() {
    const list = await getJSON("protocols");
    if (Array.isArray(list)) protocols = list;
    return Array.isArray(list);
  }

  async function loadChecklist() {
    const list = await getJSON("checklist");
    if (list && Array.isArray(list.absolute) && Array.isArray(list.relative)) checklist = list;
    return checklist === list && list !== null;
  }

  function minutes(ms) {
    const m = Math.round(ms / 6000) / 10;
    return `${m} min`;
  }

  async function openStart(id) {
    startBed = id;
    $("#start-bed").textContent = id;
    setStartError("");
    startForm.reset();
    const select = $("#start-protocol");
    select.replaceChildren(new Option("Loading protocols…", ""));
    for (const group of ["absolute", "relative"]) $(`#chk-${group}`).replaceChildren(el("p", "chk-loading", "Loading the checklist…"));
    $(".dialog-body", startForm).scrollTop = 0;
    if (!startDialog.open) startDialog.showModal();
    const [ok, listed] = await Promise.all([loadProtocols(), loadChecklist()]);
    buildChecklist(listed);
    select.replaceChildren();
    if (!ok || !protocols.length) {
      select.append(new Option(ok ? "No protocols installed" : "Protocols could not be loaded", ""));
      setStartError(ok ? "No protocols are installed on this Dwell service." : "The protocol list could not be loaded. Check the connection and try again.");
      return;
    }
    if (!listed) setStartError("The contraindication checklist could not be loaded. Check the connection and try again.");
    select.append(new Option("Choose a protocol…", ""));
    for (const p of protocols) {
      const obs = p.observation_ms ? ` + ${minutes(p.observation_ms)} obs.` : "";
      select.append(new Option(`${p.title} — ${minutes(p.length_ms)}${obs} (v${p.version})`, p.id));
    }
    if (protocols.length === 1) select.value = protocols[0].id;
  }

  function setStartError(text) {
    setBoxError($("#start-error"), text);
  }

  function buildChecklist(loaded) {
    for (const group of ["absolute", "relative"]) {
      const box = $(`#chk-${group}`);
      const items = loaded && checklist ? checklist[group] : [];
      box.replaceChildren(...items.map((item) => checklistItem(item, group)));
      if (!loaded) box.append(el("p", "chk-loading", "Not loaded."));
      $(`#none-${group}`).disabled = !items.length;
    }
  }

  function checklistItem(item, group) {
    // One contraindication: its label and a No / Yes choice, unanswered until tapped. A relative
    // one answered Yes asks for its own acknowledgement; an absolute one says not to needle.
    const row = el("div", "chk-item");
    row.dataset.code = item.code;
    row.dataset.group = group;
    row.dataset.answer = "";
    const label = el("span", "chk-label", item.label);
    label.id = `chk-${item.code}-label`;
    const choice = el("span", "yn");
    choice.setAttribute("role", "radiogroup");
    choice.setAttribute("aria-labelledby", label.id);
    for (const [value, text] of [["no", "No"], ["yes", "Yes"]]) {
      const input = el("input");
      Object.assign(input, { type: "radio", id: `chk-${item.code}-${value}`, name: `chk-${item.code}`, value });
      const face = el("label", `yn-${value}`, text);
      face.htmlFor = input.id;
      choice.append(input, face);
    }
    row.append(label, choice);
    if (group === "relative") {
      const ack = el("label", "chk-ack");
      const box = el("input");
      Object.assign(box, { type: "checkbox", id: `ack-${item.code}` });
      ack.append(box, el("span", null, "Risk weighed — acknowledge"));
      ack.hidden = true;
      row.append(ack);
    } else {
      const stop = el("span", "chk-stop", "DO NOT NEEDLE");
      stop.hidden = true;
      row.append(stop);
    }
    row.addEventListener("change", () => refreshItem(row));
    return row;
  }

  function refreshItem(row) {
    const yes = $('input[value="yes"]', row).checked;
    const no = $('input[value="no"]', row).checked;
    row.dataset.answer = yes ? "yes" : no ? "no" : "";
    row.classList.remove("missing");
    if (yes || no) row.classList.remove("flagged");
    const ack = $(".chk-ack", row);
    if (ack) {
      ack.hidden = !yes;
      if (!yes) $("input", ack).checked = false;
    }
    const stop = $(".chk-stop", row);
    if (stop) stop.hidden = !yes;
  }

  function answerGroupNo(group) {
    for (const row of $$(`#chk-${group} .chk-item`)) {
      $('input[value="no"]', row).checked = true;
      refreshItem(row);
    }
  }

  function checklistAnswers() {
    const screening = {};
    const acknowledged = [];
    const unanswered = [];
    for (const row of $$("#checklist .chk-item")) {
      const code = row.dataset.code;
      if (!row.dataset.answer) { unanswered.push(row); continue; }
      screening[code] = row.dataset.answer === "yes";
      if (screening[code] && $(`#ack-${code}`)?.checked) acknowledged.push(code);
    }
    return { screening, acknowledged, unanswered };
  }

  function flagItems(message) {
    // The server names refused items as `code`: mark them in the list.
    const codes = new Set([...message.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
    let first = null;
    for (const row of $$("#checklist .chk-item")) {
      const hit = codes.has(row.dataset.code);
      row.classList.toggle("flagged", hit);
      if (hit && !first) first = row;
    }
    first?.scrollIntoView({ block: "nearest" });
  }

  $("#start-cancel").addEventListener("click", () => startDialog.close());
  startDialog.addEventListener("cancel", () => { startBed = null; });
  $$(".none-btn").forEach((b) => b.addEventListener("click", () => answerGroupNo(b.dataset.group)));

  startForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const protocol = $("#start-protocol").value;
    const therapist = $("#start-therapist").value.trim();
    const patient = $("#start-patient").value.trim();
    const consent = $("#start-consent").checked;
    const { screening, acknowledged, unanswered } = checklistAnswers();
    const missing = [];
    if (!protocol) missing.push("choose a protocol");
    if (!therapist) missing.push("enter the therapist ID");
    if (!patient) missing.push("enter the patient pseudonym");
    if (!consent) missing.push("tick “Patient has given informed consent” – a session cannot start without it");
    if (!checklist) missing.push("the contraindication checklist could not be loaded");
    else if (unanswered.length) {
      missing.push(`answer every checklist item No or Yes (${unanswered.length} unanswered, marked)`);
      unanswered.forEach((row) => row.classList.add("missing"));
    }
    if (missing.length) {
      setStartError(`Not started: ${missing.join("; ")}.`);
      if (consent && unanswered.length) unanswered[0].scrollIntoView({ block: "nearest" });
      return;
    }
    const submit = $("#start-submit");
    submit.disabled = true;
    setStartError("");
    try {
      const res = await request(`beds/${encodeURIComponent(startBed)}/session`,
        { protocol, therapist, patient, consent: true, screening, acknowledged });
      if (res.ok) {
        update(res.body);
        startDialog.close();
      } else {
        setStartError(`Not started: ${res.message}`);
        flagItems(res.message);
      }
    } finally {
      submit.disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------------
  // Needle dialog: count needles in (corrections) and out, per site or overall.

  const needleDialog = $("#needle-dialog");
  const needle = { bed: null, key: "", queue: Promise.resolve() };

  function openNeedles(id) {
    needle.bed = id;
    needle.key = "";
    $("#needle-bed").textContent = id;
    setBoxError($("#needle-error"), "");
    if (!needleDialog.open) needleDialog.showModal();
    renderNeedleDialog();
  }

  function needleSummary(n) {
    let text = `In ${n.placed} · out ${n.removed}`;
    if (n.outstanding > 0) text += ` · ${n.outstanding} STILL IN`;
    else if (n.outstanding < 0) text += ` · ${-n.outstanding} MORE OUT THAN IN`;
    else if (n.placed > 0) text += " · all out ✓";
    return text;
  }

  function renderNeedleDialog() {
    if (!needleDialog.open || needle.bed == null) return;
    const d = beds.get(needle.bed)?.data;
    if (!d || !COUNTING.has(d.state)) { needleDialog.close(); return; }
    const n = d.needles || { placed: 0, removed: 0, outstanding: 0, sites: [] };
    const key = JSON.stringify([n, d.state]);
    if (key === needle.key) return;
    needle.key = key;
    const summary = $("#needle-summary");
    setText(summary, needleSummary(n));
    summary.dataset.level = n.outstanding > 0 ? "in" : n.outstanding < 0 ? "over" : "ok";
    $("#needle-ack").hidden = d.state !== "overrun";
    $("#needle-out-one").disabled = false;
    $("#needle-out-all").disabled = n.outstanding <= 0;
    const sites = $("#needle-sites");
    const steps = `${needle.bed}/${d.session}/${n.sites.map((s) => s.step).join(",")}`;
    if (sites.dataset.steps !== steps || !sites.firstElementChild) {
      sites.dataset.steps = steps;
      sites.replaceChildren(...(n.sites.length ? n.sites.map(siteRow) : [el("p", "chk-loading", "No site's needles have gone in yet.")]));
    }
    for (const s of n.sites) fillSiteRow($(`.site-row[data-step="${s.step}"]`, sites), s);
  }

  function siteOf(d, step) {
    return d?.needles?.sites.find((s) => s.step === step) || { placed: 0, removed: 0 };
  }

  function siteRow(s) {
    // Built once per site and kept (fillSiteRow updates its numbers), so that a tap is never
    // lost to a rebuilt button; each command reads the counts current when it is sent.
    const row = el("div", "site-row");
    row.dataset.step = String(s.step);
    const at = s.label;
    const inTo = (delta) => (d) => ({ cmd: "needles-in", body: { count: siteOf(d, s.step).placed + delta, step: s.step } });
    const inGroup = el("span", "site-in");
    inGroup.append(el("span", "mini", "In"), siteButton("in-minus", "−", `One fewer in at ${at}`, inTo(-1)),
      el("b", "n n-in"), siteButton("in-plus", "+", `One more in at ${at}`, inTo(+1)));
    const outGroup = el("span", "site-out");
    outGroup.append(el("span", "mini", "Out"), el("b", "n n-out"),
      siteButton("out-one", "+1 out", `One needle out at ${at}`, () => ({ cmd: "needles-out", body: { count: 1, step: s.step } })),
      siteButton("out-all", "All out", `Every needle out at ${at}`, () => ({ cmd: "needles-out", body: { step: s.step } })));
    row.append(el("span", "site-label", at), inGroup, outGroup);
    return row;
  }

  function fillSiteRow(row, s) {
    const left = s.placed - s.removed;
    row.classList.toggle("has-in", left > 0);
    setText($(".n-in", row), String(s.placed));
    setText($(".n-out", row), String(s.removed));
    $('[data-act="in-minus"]', row).disabled = s.placed <= s.removed;
    $('[data-act="out-one"]', row).disabled = left <= 0;
    $('[data-act="out-all"]', row).disabled = left <= 0;
  }

  function siteButton(act, text, title, what) {
    const b = el("button", "btn", text);
    b.type = "button";
    b.dataset.act = act;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", () => needleCommand(what));
    return b;
  }

  function needleCommand(what) {
    // Taps are sent one after another, none lost (one tap of "+1 out" is one needle).
    const id = needle.bed;
    needle.queue = needle.queue.then(async () => {
      const { cmd, body } = what(beds.get(id)?.data);
      const res = await command(id, cmd, body);
      setBoxError($("#needle-error"), res.ok ? "" : res.message);
      if (res.ok && cmd === "ack" && needleDialog.open) needleDialog.close();
    });
    return needle.queue;
  }

  $("#needle-out-one").addEventListener("click", () => needleCommand(() => ({ cmd: "needles-out", body: { count: 1 } })));
  $("#needle-out-all").addEventListener("click", () => needleCommand(() => ({ cmd: "needles-out" })));
  $("#needle-ack").addEventListener("click", () => needleCommand(() => ({ cmd: "ack" })));
  $("#needle-close").addEventListener("click", () => needleDialog.close());
  needleDialog.addEventListener("close", () => { needle.bed = null; });

  // ---------------------------------------------------------------------------------------
  // Close with a reason (only while the counts differ).

  const closeDialog = $("#close-dialog");
  let closeBed = null;

  function openClose(id) {
    closeBed = id;
    $("#close-bed").textContent = id;
    setText($("#close-what"), beds.get(id)?.data?.current || "The needle counts differ.");
    $("#close-reason").value = "";
    setBoxError($("#close-error"), "");
    if (!closeDialog.open) closeDialog.showModal();
    $("#close-reason").focus();
  }

  $("#close-cancel").addEventListener("click", () => closeDialog.close());
  closeDialog.addEventListener("close", () => { closeBed = null; });
  $("#close-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const reason = $("#close-reason").value.trim();
    if (reason.length < 3) {
      setBoxError($("#close-error"), "Not closed: say what happened (at least 3 characters).");
      return;
    }
    const submit = $("#close-submit");
    submit.disabled = true;
    try {
      const res = await command(closeBed, "close", { reason });
      if (res.ok) closeDialog.close();
      else setBoxError($("#close-error"), `Not closed: ${res.message}`);
    } finally {
      submit.disabled = false;
    }
  });

  function dialogsFollow(bed) {
    // Open dialogs follow the bed: counts refresh; a phase that no longer fits closes them.
    if (needle.bed === bed.id) renderNeedleDialog();
    if (closeBed === bed.id && closeDialog.open && bed.data.state !== "unaccounted") closeDialog.close();
  }

  // ---------------------------------------------------------------------------------------
  // Connection: Server-Sent Events, polling as a fallback, a banner when neither works.

  function isStale() {
    return !conn.streamOpen && !conn.pollOk;
  }

  // The stream is read with fetch (EventSource cannot send the token): `event: bed` messages.
  function openStream() {
    clearTimeout(conn.retryTimer);
    if (conn.stream) conn.stream.abort();
    const controller = new AbortController();
    conn.stream = controller;
    const lost = () => {
      if (conn.stream !== controller) return;
      conn.streamOpen = false;
      startPolling();
      conn.retryTimer = setTimeout(openStream, STREAM_RETRY_MS);
      refreshConnection();
    };
    (async () => {
      const res = await api("stream", { signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(String(res.status));
      conn.streamOpen = true;
      conn.lastStreamMsg = performance.now();
      stopPolling();
      refreshConnection();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!/^event: bed$/m.test(message) || !data) continue;
          conn.streamOpen = true;
          conn.lastStreamMsg = performance.now();
          markOk();
          try { update(JSON.parse(data)); } catch (_) { /* ignore a malformed event */ }
        }
      }
    })().then(lost, lost);
  }

  function markOk() {
    conn.lastOk = performance.now();
    conn.lastOkWall = new Date();
  }

  function startPolling() {
    if (conn.pollTimer) return;
    const tick = async () => {
      try {
        const res = await api("beds");
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
      const anyLive = [...beds.values()].some((b) => b.data && !ENDED.has(b.data.state));
      if (anyLive && now - conn.lastStreamMsg > STALL_MS) {
        conn.streamOpen = false;
        startPolling();
        openStream();
      }
    }
    const status = $("#conn");
    const banner = $("#banner");
    let mode, text;
    if (conn.streamOpen) { mode = "live"; text = "Live"; }
    else if (conn.pollOk) { mode = "polling"; text = "Live (polling)"; }
    else if (!conn.lastOkWall) { mode = "connecting"; text = "Connecting…"; }
    else { mode = "lost"; text = "Connection lost"; }
    status.dataset.mode = mode;
    setText(status, text);
    document.body.classList.toggle("is-stale", isStale() && !!conn.lastOkWall);
    const showBanner = mode === "lost" || (mode === "connecting" && now > 4000);
    banner.hidden = !showBanner;
    if (showBanner) {
      setText(banner, conn.lastOkWall
        ? `Connection lost – the beds below are NOT live (last update ${wallTime(conn.lastOkWall)}). Check the lamps at the beds. Reconnecting…`
        : "No connection to the Dwell service. Check the lamps at the beds. Reconnecting…");
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
    for (const bed of beds.values()) {
      fitCount($(".countdown", bed.el));
      fitText($(".aftercare", bed.el));
      fitText($(".info", bed.el));
    }
  });

  // ---------------------------------------------------------------------------------------
  // Frame loop: smooth countdowns, silences, interruption times, staleness, clock.

  let lastClock = "";
  function frame() {
    for (const bed of beds.values()) {
      if (!bed.data) continue;
      const v = describe(bed);
      renderCount(bed, v);
      if (bed.data.step != null) renderProgress(bed, v);
      if (bed.data.state === "interrupted") renderInfo(bed, v);
      renderSilence(bed);
      renderStale(bed);
      renderActions(bed);
      squeeze(bed);
    }
    const clock = hoursMinutes(new Date());
    if (clock !== lastClock) { $("#clock").textContent = clock; lastClock = clock; }
    refreshConnection();
  }
  setInterval(frame, 200);

  async function initialLoad() {
    try {
      const res = await api("beds");
      if (res.ok) { markOk(); (await res.json()).forEach(update); }
    } catch (_) { /* the stream or polling will report */ }
  }

  // ---------------------------------------------------------------------------------------
  // Record fault: a damaged clinic record found at start-up, shown until acknowledged.

  const recordBanner = $("#record-banner");
  function showRecord(status) {
    const fault = status && status.fault;
    recordBanner.hidden = !fault || !!fault.acknowledged;
    if (recordBanner.hidden) return;
    setText($("#record-text"), `CLINIC RECORD DAMAGED — moved to ${fault.moved_to}; beds shown interrupted`);
  }
  async function loadRecord() {
    const status = await getJSON("record");
    if (status) showRecord(status);
  }
  $("#record-ack").addEventListener("click", async () => {
    const res = await request("record/acknowledge", {});
    if (res.ok) showRecord(res.body); else setText($("#record-text"), res.message);
  });
  setInterval(loadRecord, 10000);
  loadRecord();

  document.getElementById("token-form").addEventListener("submit", saveToken);
  initialLoad();
  openStream();
  loadProtocols();
  frame();

  // A small hook for tests and diagnostics.
  window.DwellKiosk = { send, beds, conn };
})();
