// The needle dialog (count in and out, per site or overall) and closing with a reason.

import { command } from "./api.js";
import { plural } from "./format.js";
import { holdButton } from "./hold.js";
import { $, beds, COUNTING, el, setBoxError, setText } from "./state.js";

const needleDialog = $("#needle-dialog");
const needle = { bed: null, key: "", queue: Promise.resolve() };

export function openNeedles(id) {
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
  // With needles still in, the main button counts them out; acknowledging anyway is a
  // separate choice that says what it does (the bed then shows them unaccounted).
  const ack = $("#needle-ack");
  const outAll = $("#needle-out-all");
  const stillIn = n.outstanding > 0;
  ack.hidden = d.state !== "overrun";
  setText(ack, stillIn ? `Acknowledge with ${plural(n.outstanding, "needle")} still in` : "Done – acknowledge");
  ack.className = `btn ${stillIn ? "danger-outline" : "primary"}`;
  setText(outAll, stillIn ? `Count them out: all ${n.outstanding} out` : "All out");
  outAll.className = `btn${stillIn ? " primary" : ""}`;
  const warn = $("#needle-warn");
  warn.hidden = !(stillIn && d.state === "overrun");
  setText(warn, `${plural(n.outstanding, "needle")} still counted in: count them out before acknowledging.`);
  $("#needle-out-one").disabled = false;
  outAll.disabled = n.outstanding <= 0;
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
// Dialogs that send a command with a written reason: close with the counts differing, and
// extend past the clinic's longest session (asked only then). Ids are `<name>-dialog`,
// `-form`, `-bed`, `-what`, `-reason`, `-error`, `-submit`, `-cancel`.

function reasonDialog(name, { refused, tooShort, body, hold }) {
  const dialog = $(`#${name}-dialog`);
  const state = { dialog, bed: null };
  $(`#${name}-cancel`).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { state.bed = null; });
  const submitReason = async () => {
    const reason = $(`#${name}-reason`).value.trim();
    if (reason.length < 3) {
      setBoxError($(`#${name}-error`), `${refused}: ${tooShort} (at least 3 characters).`);
      return;
    }
    const submit = $(`#${name}-submit`);
    submit.disabled = true;
    try {
      const { cmd, fields } = body(reason);
      const res = await command(state.bed, cmd, fields);
      if (res.ok) dialog.close();
      else setBoxError($(`#${name}-error`), `${refused}: ${res.message}`);
    } finally {
      submit.disabled = false;
    }
  };
  $(`#${name}-form`).addEventListener("submit", (ev) => {
    ev.preventDefault();
    // A held confirmation is not submitted by Enter in the text.
    if (!hold) submitReason();
  });
  if (hold) $(`#${name}-hold`).replaceWith(holdButton(`${name}-submit`, hold, submitReason));
  $(`#${name}-reason`).addEventListener("input", () => setBoxError($(`#${name}-error`), ""));
  state.open = (id, what) => {
    state.bed = id;
    $(`#${name}-bed`).textContent = id;
    setText($(`#${name}-what`), what);
    $(`#${name}-reason`).value = "";
    setBoxError($(`#${name}-error`), "");
    if (!dialog.open) dialog.showModal();
    $(`#${name}-reason`).focus();
  };
  return state;
}

const closing = reasonDialog("close", {
  refused: "Not closed", tooShort: "say what happened", body: (reason) => ({ cmd: "close", fields: { reason } }),
  hold: "Hold to close session",
});
const extending = reasonDialog("extend", {
  refused: "Not extended", tooShort: "say why", body: (reason) => ({ cmd: "extend", fields: { by: "1m", reason } }),
});

export function openClose(id) {
  closing.open(id, beds.get(id)?.data?.current || "The needle counts differ.");
}

export function openExtendReason(id, why) {
  extending.open(id, why);
}

export function dialogsFollow(bed) {
  // Open dialogs follow the bed: counts refresh; a phase that no longer fits closes them.
  if (needle.bed === bed.id) renderNeedleDialog();
  if (closing.bed === bed.id && closing.dialog.open && bed.data.state !== "unaccounted") closing.dialog.close();
  const extendable = ["running", "rest", "paused", "overrun"].includes(bed.data.state);
  if (extending.bed === bed.id && extending.dialog.open && !extendable) extending.dialog.close();
}
