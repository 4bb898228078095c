// An on-screen keypad for the short codes (therapist, patient): the kiosk has no keyboard.
// Digits, "-" and a delete key; letters a page away ("abc"). It types into the field it is
// opened for; a physical keyboard still works in the field itself.

import { $, el } from "./state.js";

const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "0", "⌫"];
const LETTERS = "abcdefghijklmnopqrstuvwxyz".split("").concat(["⌫"]);
const pad = $("#keypad");
const state = { field: null, letters: false, onChange: null };

export function openKeypad(field, onChange) {
  state.field = field;
  state.onChange = onChange;
  state.letters = false;
  pad.hidden = false;
  // The keypad sits right under the field it types into.
  field.closest(".code-entry").after(pad);
  build();
}

export function closeKeypad() {
  pad.hidden = true;
  state.field = null;
}

function build() {
  const keys = state.letters ? LETTERS : DIGITS;
  const grid = el("div", state.letters ? "keys letters" : "keys");
  for (const k of keys) grid.append(key(k, k === "⌫" ? "Delete" : k, () => type(k)));
  const row = el("div", "keys-side");
  row.append(
    key(state.letters ? "123" : "abc", state.letters ? "Digits" : "Letters", () => { state.letters = !state.letters; build(); }),
    key("Done", "Done", closeKeypad));
  pad.replaceChildren(grid, row);
  const target = state.field?.labels?.[0]?.textContent || "code";
  pad.setAttribute("aria-label", `Keypad for the ${target.toLowerCase()}`);
}

function key(text, label, handler) {
  const b = el("button", "btn key", text);
  b.type = "button";
  b.dataset.key = text;
  if (label !== text) b.setAttribute("aria-label", label);
  b.addEventListener("click", handler);
  return b;
}

function type(k) {
  const f = state.field;
  if (!f) return;
  f.value = k === "⌫" ? f.value.slice(0, -1) : (f.value + k).slice(0, 64);
  if (state.onChange) state.onChange();
}
