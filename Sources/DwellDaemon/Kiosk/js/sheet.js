// The action sheet: tapping a card opens that bed's sheet (details and big buttons) beside a
// strip per bed, so every other bed's alarm stays in sight. Dialogs take the same place.

import { layout } from "./layout.js";
import { $, $$, beds, ENDED, SHEET_IDLE_MS } from "./state.js";

export const sheet = { bed: null, actionsKey: "", idleTimer: null, render: null };
const box = $("#sheet");

// `render(bed)` fills the sheet (cards.js registers it, to avoid an import cycle).
export function onSheetRender(render) {
  sheet.render = render;
}

export function openSheet(id, openStart) {
  const bed = beds.get(id);
  if (!bed || !bed.data) return;
  // A free bed has one thing to do: start a session (one tap fewer).
  if (ENDED.has(bed.data.state) && !document.body.classList.contains("is-stale")) {
    closeSheet();
    openStart(id);
    return;
  }
  if (sheet.bed !== id) {
    const old = sheet.bed && beds.get(sheet.bed);
    if (old) old.confirm = null;
  }
  sheet.bed = id;
  sheet.actionsKey = "";
  box.hidden = false;
  $("#sheet-bed").textContent = id;
  if (sheet.render) sheet.render(bed);
  touched();
  refreshFocus();
  $("#sheet-back").focus({ preventScroll: true });
}

export function closeSheet() {
  if (sheet.bed == null && box.hidden) return;
  const bed = sheet.bed && beds.get(sheet.bed);
  if (bed) bed.confirm = null;
  sheet.bed = null;
  sheet.actionsKey = "";
  box.hidden = true;
  clearTimeout(sheet.idleTimer);
  refreshFocus();
}

function touched() {
  clearTimeout(sheet.idleTimer);
  sheet.idleTimer = setTimeout(closeSheet, SHEET_IDLE_MS);
}

// Focus mode: the sheet or a dialog is open, every bed shrinks to a strip beside it.
export function refreshFocus() {
  const dialog = $$("dialog[open]").some((d) => d.id !== "token-dialog");
  const focus = !box.hidden || dialog;
  document.body.classList.toggle("focus", focus);
  for (const bed of beds.values()) bed.el.classList.toggle("selected", sheet.bed === bed.id);
  layout();
}

$("#sheet-back").addEventListener("click", closeSheet);
box.addEventListener("pointerdown", touched);
// Every dialog opening or closing changes the layout.
const watch = new MutationObserver(refreshFocus);
for (const d of $$("dialog")) watch.observe(d, { attributes: true, attributeFilter: ["open"] });
