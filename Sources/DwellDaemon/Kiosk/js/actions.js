// The action sheet's buttons, the confirmations asked first (held, never tapped), and a refused
// command's message. The buttons live in the sheet of the bed whose card was tapped.

import { send } from "./api.js";
import { isStale } from "./connection.js";
import { openClose, openExtendReason, openNeedles } from "./dialogs.js";
import { outstanding, plural } from "./format.js";
import { holdButton } from "./hold.js";
import { openReconcile } from "./reconcile.js";
import { closeSheet, sheet } from "./sheet.js";
import { openStart } from "./start.js";
import { $, CONFIRM_MS, CONFIRMS, el, ERROR_SHOW_MS } from "./state.js";

const RAPID = ["rapid-removal", "Rapid removal", "danger-outline"];
const NEEDLES = ["needles", "Needles", ""];
const SILENCE = ["silence", "Silence", ""];
const ABORT = ["abort", "Abort", "danger"];

// Issue 14's cues come on top of any phase: a patient calling, a check-in due.
function cueActions(d) {
  const first = [];
  if (d.call) first.push(["ack", "Answer", "primary answer"]);
  if (d.check_in_ms != null && d.check_in_ms <= 0) first.push(["checked", "Checked", "primary"]);
  return first;
}

function phaseActions(d) {
  switch (d.state) {
    case "idle": case "completed": case "aborted":
      return [[["start", "Start", "primary"]]];
    case "running": case "rest":
      return [[["pause", "Pause", ""], ["extend", "+1\u00a0min", ""], ["skip", "Skip", ""]],
              [NEEDLES, ABORT, RAPID]];
    case "paused":
      return [[["resume", "Resume", "primary"], ["extend", "+1\u00a0min", ""]],
              [NEEDLES, ABORT, RAPID]];
    case "overrun":
      return [[["ack", "Needles out – acknowledge", "primary ack"], ["extend", "+1\u00a0min", ""]],
              [NEEDLES, SILENCE, RAPID]];
    case "observation":
      return [[["skip", "End observation", ""], ["extend", "+1\u00a0min", ""]]];
    case "unaccounted":
      // Rapid removal settles nothing here: count the needles, or close with a reason.
      return [[["needles", "Count needles", "primary"], ["close", "Close with reason…", ""]], [SILENCE]];
    case "reconcile":
      return [[["reconcile", "How many recovered?", "primary"]], [SILENCE]];
    case "sweep":
      return [[["swept", "Couch and floor checked", "primary"]], [SILENCE]];
    case "interrupted": {
      const i = d.interruption;
      const resumable = !i || i.resumable !== false;
      const first = [["needles", "Count needles", "primary"]];
      if (resumable) first.push(["resume", "Resume", ""]);
      first.push(["finish", "Finish", "danger-outline"]);
      // Rapid removal only where needles were still in: a step, a pause or an overrun.
      const before = i ? i.previous_state : undefined;
      const rapid = before == null || ["step", "running", "rest", "paused", "overrun"].includes(before);
      return [first, rapid ? [SILENCE, RAPID] : [SILENCE]];
    }
    default:
      return [];
  }
}

export function actionsFor(d) {
  const cues = cueActions(d);
  const rows = phaseActions(d);
  return cues.length ? [cues, ...rows] : rows;
}

function confirmQuestion(bed) {
  if (bed.confirm === "rapid-removal") return "Needle shock / fainting: all needles out now? Timing stops; count them after.";
  const left = outstanding(bed.data);
  const still = left > 0 ? ` ${plural(left, "needle")} still counted in.` : "";
  if (bed.confirm === "finish") return `Finish the interrupted session on bed ${bed.id}?${still}`;
  return `Abort the session on bed ${bed.id}?${still}`;
}

export function renderActions(bed) {
  if (sheet.bed !== bed.id || !bed.data) return;
  const box = $("#sheet-actions");
  const rows = actionsFor(bed.data);
  const list = bed.confirm ? `confirm-${bed.confirm}` : rows.map((row) => row.map((a) => a[0]).join(",")).join("/");
  const key = `${bed.id}|${list}|${bed.busy}|${isStale()}`;
  if (key === sheet.actionsKey) return;
  sheet.actionsKey = key;
  box.replaceChildren();
  box.classList.toggle("confirming", !!bed.confirm);
  if (bed.confirm) {
    const what = bed.confirm;
    const q = el("p", "confirm-q", confirmQuestion(bed));
    q.setAttribute("role", "alert");
    // "Keep going" takes the place of the button that asked; the hold button is at the far end.
    const row = el("div", "action-row confirm-row");
    const hold = holdButton(`confirm-${what}`, CONFIRMS[what].yes, () => { cancelConfirm(bed); send(bed.id, what); });
    hold.disabled = isStale();
    row.append(button(`cancel-${what}`, CONFIRMS[what].no, "", () => cancelConfirm(bed)), hold);
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

async function onAction(bed, cmd) {
  clearError(bed);
  switch (cmd) {
    case "start": return openStart(bed.id);
    case "needles": return openNeedles(bed.id);
    case "close": return openClose(bed.id);
    case "reconcile": return openReconcile(bed.id);
    case "abort": case "rapid-removal": case "finish": return askConfirm(bed, cmd);
    case "extend": return extend(bed);
    case "ack":
      // Count them out first: with needles still counted in, the button opens the count.
      if (!bed.data.call && outstanding(bed.data) > 0) return openNeedles(bed.id);
      return done(bed, await send(bed.id, "ack"));
    default: return done(bed, await send(bed.id, cmd));
  }
}

function done(bed, res) {
  // A command that went through: back to the overview, where every bed shows.
  if (res && res.ok && sheet.bed === bed.id) closeSheet();
  return res;
}

async function extend(bed) {
  // Past the clinic's longest session an extension needs a reason: only then is one asked for.
  const res = await send(bed.id, "extend", { by: "1m" });
  if (!res.ok && res.title === "Reason required") {
    clearError(bed);
    openExtendReason(bed.id, res.message);
  }
  return res;
}

function askConfirm(bed, what) {
  clearTimeout(bed.confirmTimer);
  bed.confirm = what;
  renderActions(bed);
  bed.confirmTimer = setTimeout(() => cancelConfirm(bed), CONFIRM_MS);
}

export function cancelConfirm(bed) {
  clearTimeout(bed.confirmTimer);
  if (!bed.confirm) return;
  bed.confirm = null;
  renderActions(bed);
}

// A refused command: on the card (and in its sheet) until the next command or ERROR_SHOW_MS.
export function showError(bed, message) {
  bed.error = message;
  clearTimeout(bed.errorTimer);
  bed.errorTimer = setTimeout(() => clearError(bed), ERROR_SHOW_MS);
  paintError(bed);
}

export function clearError(bed) {
  clearTimeout(bed.errorTimer);
  bed.error = "";
  paintError(bed);
}

function paintError(bed) {
  const boxes = [$(".error", bed.el)];
  if (sheet.bed === bed.id) boxes.push($("#sheet > .error"));
  for (const box of boxes) {
    box.textContent = bed.error || "";
    box.hidden = !bed.error;
  }
  bed.squeezeKey = "";
}
