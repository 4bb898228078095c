// Cards: one per bed, built once and updated from the server's bed status. A card is read
// from across the room: bed, state word, countdown, "N STILL IN"; details below as room allows.
// Tapping it opens the bed's action sheet (sheet.js); its parts are filled by details.js.

import { cancelConfirm, renderActions } from "./actions.js";
import { isStale } from "./connection.js";
import { renderDetails } from "./details.js";
import { dialogsFollow } from "./dialogs.js";
import { mmss, outstanding, wallTime } from "./format.js";
import { fitCount, fitDetail, layout } from "./layout.js";
import { cueOf, describe, sinceReceipt, stateWord } from "./phases.js";
import { reconcileFollows } from "./reconcile.js";
import { closeSheet, onSheetRender, openSheet, sheet } from "./sheet.js";
import { openStart } from "./start.js";
import { $, beds, beds_el, el, ENDED, setText, STALL_MS } from "./state.js";

export function cardFor(id) {
  let bed = beds.get(id);
  if (bed) return bed;
  const node = $("#card-template").content.firstElementChild.cloneNode(true);
  node.id = `bed-${id}`;
  node.dataset.bed = id;
  $(".bed-no", node).textContent = id;
  node.setAttribute("aria-labelledby", `bed-${id}-name`);
  $(".bed-name", node).id = `bed-${id}-name`;
  bed = { id, el: node, data: null, at: 0, wall: null, confirm: null, busy: false, error: "",
          errorTimer: null, confirmTimer: null, stepMax: new Map(), infoKey: "", squeezeKey: "" };
  beds.set(id, bed);
  $(".card-open", node).addEventListener("click", () => openSheet(id, openStart));
  $("#empty")?.remove();
  const sorted = [...beds.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  sorted.forEach((b) => beds_el.appendChild(b.el));
  layout();
  return bed;
}

export function update(data) {
  if (!data || data.bed == null) return;
  const bed = cardFor(String(data.bed));
  const prev = bed.data;
  bed.data = data;
  bed.at = performance.now();
  bed.wall = new Date();
  if (!prev || prev.state !== data.state || prev.signal !== data.signal || prev.fault !== data.fault
      || !!prev.call !== !!data.call) {
    announce(bed, prev);
    if (prev && prev.state !== data.state) cancelConfirm(bed);
  }
  render(bed);
  dialogsFollow(bed);
  reconcileFollows(bed);
}

function announce(bed, prev) {
  const d = bed.data;
  let text = `Bed ${bed.id}: ${stateWord(d).toLowerCase()}`;
  if (d.signal === "attention-escalated") text += ", alarm: needles may still be in";
  if (/^pause-overdue/.test(d.signal)) text += ", paused too long with needles in";
  const left = outstanding(d);
  if (d.state === "unaccounted") text += `, needle counts differ (${left >= 0 ? `${left} not counted out` : `${-left} more out than in`})`;
  if (d.state === "interrupted") text += ", dwelld restarted during the session: needles may still be in";
  if (d.state === "reconcile") text += ", needles removed at once: enter how many were recovered";
  if (d.signal === "silenced") text += ", alarm silenced";
  if (d.fault && !(prev && prev.fault)) text += ", device fault";
  if (!d.fault && prev && prev.fault) text += ", fault cleared";
  const line = el("p", null, text + ".");
  const region = $("#announce");
  region.appendChild(line);
  while (region.childElementCount > 4) region.firstElementChild.remove();
}

export function render(bed) {
  const d = bed.data;
  if (!d) return;
  const node = bed.el;
  node.dataset.state = d.state;
  node.dataset.signal = d.signal;
  node.dataset.cue = cueOf(d);
  node.classList.toggle("fault", !!d.fault);
  $(".fault-badge", node).hidden = !d.fault;
  setText($(".state-word", node), stateWord(d));
  const therapist = !ENDED.has(d.state) && d.therapist ? String(d.therapist) : "";
  const who = $(".therapist", node);
  who.hidden = !therapist;
  setText(who, therapist);
  // Where the name and the state word share a line, the code goes with the chips.
  const chip = $(".therapist-chip", node);
  chip.hidden = !therapist;
  setText(chip, therapist);
  const open = $(".card-open", node);
  const label = `Bed ${bed.id}, ${stateWord(d).toLowerCase()}: ${ENDED.has(d.state) ? "start a session" : "open its actions"}`;
  if (open.getAttribute("aria-label") !== label) open.setAttribute("aria-label", label);

  const v = describe(bed);
  renderCount(bed, v);
  renderChip(bed);
  renderSilence(bed);
  renderDetails(bed, node, v);
  renderStale(bed);
  fitDetail(bed);
  if (sheet.bed === bed.id) renderSheet(bed, v);
}

function renderSheet(bed, v = describe(bed)) {
  const box = $("#sheet");
  box.dataset.state = bed.data.state;
  box.dataset.signal = bed.data.signal;
  setText($("#sheet-state"), stateWord(bed.data));
  renderDetails(bed, box, v, true);
  const err = $("#sheet > .error");
  err.textContent = bed.error || "";
  err.hidden = !bed.error;
  renderActions(bed);
}
onSheetRender((bed) => renderSheet(bed));

export function renderCount(bed, v = describe(bed)) {
  const count = $(".countdown", bed.el);
  bed.el.dataset.count = v.kind === "word" || v.kind === "alarm" ? v.kind : "time";
  count.classList.toggle("word", v.kind === "word");
  count.classList.toggle("alarm", v.kind === "alarm");
  if (count.textContent !== v.count) {
    const refit = count.textContent.length !== v.count.length || v.kind === "alarm" || v.kind === "word";
    count.textContent = v.count;
    if (refit) fitCount(count);
  }
}

function renderChip(bed) {
  // "N STILL IN": what a therapist must not walk away from, while a session is open.
  const d = bed.data;
  const chip = $(".needle-chip", bed.el);
  const left = outstanding(d);
  let text = "";
  if (!ENDED.has(d.state) && left > 0) text = `${left} STILL IN`;
  else if (!ENDED.has(d.state) && left < 0) text = `${-left} MORE OUT THAN IN`;
  if (d.check_in_ms != null && d.check_in_ms <= 0) text = text ? `${text} · CHECK-IN DUE` : "CHECK-IN DUE";
  setText(chip, text);
  chip.hidden = !text;
  chip.classList.toggle("strong", !["running", "rest", "paused", "observation"].includes(d.state));
}

export function renderSilence(bed) {
  const d = bed.data;
  const note = $(".silence-note", bed.el);
  note.hidden = d.silenced_ms == null;
  if (note.hidden) return;
  const left = Math.max(0, d.silenced_ms - sinceReceipt(bed));
  setText(note, `SILENCED ${mmss(left)} · buzzer off`);
  note.title = "The alarm still stands; only the buzzer is quiet for a while.";
}

export function renderStale(bed) {
  // Not live: the card keeps its last colour and flash under a hatch, and says so.
  const live = bed.data && !ENDED.has(bed.data.state);
  const stale = isStale() || (live && performance.now() - bed.at > STALL_MS);
  bed.el.classList.toggle("stale", stale);
  const note = $(".stale-note", bed.el);
  note.hidden = !stale;
  // Short, so it stays on the chips' line; the banner says since when.
  if (stale) { setText(note, "NOT LIVE"); note.title = `last update ${wallTime(bed.wall)}`; }
}

export { closeSheet };
