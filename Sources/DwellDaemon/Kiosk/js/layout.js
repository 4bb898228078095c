// Layout: the page reads the screen and the number of beds and sizes everything itself, so
// the countdown is as large as the screen allows (no per-site settings). With the action sheet
// or a dialog open, every bed becomes a strip beside it (left on a landscape screen, on top on
// a portrait one), still showing its colour, word and time.

import { $, beds, beds_el } from "./state.js";

const COUNT_FONT = '800 100px "DejaVu Sans Condensed", "Liberation Sans Narrow", "Arial Narrow", sans-serif';
const MIN_WORD = 39;   // px font: a 28.4 px cap height in DejaVu Sans Condensed Bold (≥ 28 px at 3 m)
let ems = null;
export const lastLayout = {};   // what the last layout chose (for tests and diagnostics)

function measureEms() {
  // In em of their own fonts: the widest time ("+88:88"), the longest one-word state word,
  // and a bed's name with a therapist's code.
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = COUNT_FONT;
  const time = ctx.measureText("+88:88").width / 100;
  ctx.font = COUNT_FONT.replace("800", "900");
  const word = ctx.measureText("UNACCOUNTED").width / 100;
  const chip = ctx.measureText("10 STILL IN").width / 100 + 0.8;
  return { time, word, chip, name: 3.5, ctx };
}

// Sizes for a card of w × h: the largest countdown font that fits with the words around it.
// Four arrangements: "row" (name and state word on one line, the time, the chip), "beside"
// (as row, the chip after the time on its line), "stack" (each on its own line), "side" (the
// words left, the time right, for wide cards).
export function cardSizes(w, h, em) {
  const pad = Math.max(6, Math.min(24, Math.min(w, h) * 0.03));
  const W = w - 2 * pad, H = h - 2 * pad;
  const fits = (f, mode) => {
    const word = Math.max(MIN_WORD, Math.min(120, f * 0.32));
    const name = Math.max(18, Math.min(56, word * 0.5));
    const chip = Math.max(18, Math.min(56, word * 0.55));
    const wordW = word * em.word, nameW = name * em.name;
    const chipH = chip * 1.35 + 8;
    if (mode === "side") {
      const left = W * 0.4;
      return f * em.time <= W * 0.6 && wordW <= left && name * 1.2 + word * 1.15 + chipH <= H && f * 1.02 <= H;
    }
    if (mode === "row") return f * em.time <= W && nameW + 8 + wordW <= W && word * 1.15 + f * 1.02 + chipH <= H;
    if (mode === "beside") {
      return f * em.time + chip * em.chip + 12 <= W && nameW + 8 + wordW <= W && word * 1.15 + Math.max(f * 1.02, chipH) <= H;
    }
    return f * em.time <= W && wordW <= W && name * 1.2 + word * 1.15 + f * 1.02 + chipH <= H;
  };
  let best = null;
  for (const mode of ["row", "beside", "stack", "side"]) {
    for (let f = Math.min(w, h) * 1.2; f >= 24; f *= 0.97) {
      if (!fits(f, mode)) continue;
      if (!best || f > best.f * 1.02) best = { f, mode };
      break;
    }
  }
  const f = best ? best.f : 24;
  const word = Math.max(MIN_WORD, Math.min(120, f * 0.32));
  return { f, word, name: Math.max(18, Math.min(56, word * 0.5)), chip: Math.max(18, Math.min(56, word * 0.55)),
           pad, mode: best ? best.mode : "stack" };
}

export function layout() {
  ems = ems || measureEms();
  // The longest bed name as shown ("Bed couch-a"), in em of the name's font.
  ems.ctx.font = '800 100px "DejaVu Sans", sans-serif';
  ems.name = Math.max(2, ...[...beds.keys()].map((id) => ems.ctx.measureText(`Bed ${id}`).width / 100));
  const n = Math.max(1, beds.size);
  const stage = $(".stage");
  const W = stage.clientWidth || innerWidth;
  const H = stage.clientHeight || innerHeight;
  const gap = Math.max(6, Math.min(16, Math.min(innerWidth, innerHeight) * 0.012));
  const root = document.documentElement.style;
  root.setProperty("--gap", `${gap}px`);
  const focus = document.body.classList.contains("focus");
  const portrait = H > W;
  document.body.classList.toggle("portrait", portrait);
  if (focus) {
    // Strips: a column at the left (landscape) or a row on top (portrait).
    const strip = portrait ? Math.max(96, Math.min(260, H * 0.17)) : Math.max(170, Math.min(440, W * 0.27));
    const sw = portrait ? (W - gap * (n + 1)) / n : strip - gap;
    const sh = portrait ? strip - gap : (H - gap * n) / n;
    const wf = Math.max(16, Math.min(36, sh * 0.2, sw / 9));
    const f = Math.max(20, Math.min(sh - 16 * 1.15 - wf * 1.1 - 10, (sw - 20) / ems.time));
    root.setProperty("--strip", `${strip}px`);
    beds_el.style.setProperty("--cols", String(portrait ? n : 1));
    beds_el.style.setProperty("--rows", String(portrait ? 1 : n));
    beds_el.style.setProperty("--count-font", `${f}px`);
    beds_el.style.setProperty("--word-font", `${wf}px`);
    const r = stage.getBoundingClientRect();
    root.setProperty("--focus-left", `${r.left + (portrait ? 0 : strip)}px`);
    root.setProperty("--focus-top", `${r.top + (portrait ? strip : 0)}px`);
    for (const bed of beds.values()) fitCount($(".countdown", bed.el));
    return;
  }
  let best = null;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = (W - gap * (cols + 1)) / cols;
    const h = (H - gap * rows) / rows;
    const s = cardSizes(w, h, ems);
    if (!best || s.f > best.s.f) best = { cols, rows, s };
  }
  const { cols, rows, s } = best;
  Object.assign(lastLayout, { cols, rows, ...s, em: { time: ems.time, word: ems.word, name: ems.name, chip: ems.chip } });
  const st = beds_el.style;
  st.setProperty("--cols", String(cols));
  st.setProperty("--rows", String(rows));
  st.setProperty("--count-font", `${Math.floor(s.f)}px`);
  st.setProperty("--word-font", `${Math.floor(s.word)}px`);
  st.setProperty("--name-font", `${Math.floor(s.name)}px`);
  st.setProperty("--chip-font", `${Math.floor(s.chip)}px`);
  st.setProperty("--card-pad", `${Math.floor(s.pad)}px`);
  beds_el.classList.toggle("side", s.mode === "side");
  beds_el.classList.toggle("row", s.mode === "row");
  beds_el.classList.toggle("beside", s.mode === "beside");
  for (const bed of beds.values()) { bed.squeezeKey = ""; fitCount($(".countdown", bed.el)); fitDetail(bed); }
}

export function fitCount(count) {
  // A time is sized by the layout; a word or an alarm in words ("7 NEEDLES / UNACCOUNTED")
  // shrinks to its box, never below the state word's size (wrapping instead).
  count.style.fontSize = "";
  if (document.body.classList.contains("focus")) return;
  if (!count.classList.contains("word") && !count.classList.contains("alarm")) return;
  const wrap = count.parentElement;
  if (wrap.clientWidth <= 0) return;
  const size = parseFloat(getComputedStyle(count).fontSize);
  const floor = Math.min(size, parseFloat(getComputedStyle(beds_el).getPropertyValue("--word-font")) || MIN_WORD);
  const scale = Math.min(1, wrap.clientWidth / count.scrollWidth, wrap.clientHeight / count.scrollHeight);
  if (scale < 1) count.style.fontSize = `${Math.max(floor, Math.floor(size * scale * 0.97))}px`;
}

// The details under the big parts: shown in order of importance while they fit.
export function fitDetail(bed) {
  const box = $(".detail", bed.el);
  const key = `${box.clientWidth}x${box.clientHeight}|${box.textContent.length}|${bed.error}|${bed.data?.state}`;
  if (key === bed.squeezeKey) return;
  bed.squeezeKey = key;
  const parts = [...box.children];
  parts.forEach((p) => p.classList.remove("cut"));
  // The box may reach past the card when the big parts take all the room: the card's edge counts.
  const pad = parseFloat(getComputedStyle(bed.el).paddingBottom) || 0;
  const limit = Math.min(box.clientHeight, bed.el.clientHeight - pad - box.offsetTop);
  for (const p of parts) {
    if (p.hidden) continue;
    if (p.offsetTop - box.offsetTop + p.offsetHeight > limit + 0.5) p.classList.add("cut");
  }
}

window.addEventListener("resize", layout);
// A banner coming or going changes the room for the beds.
if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => layout()).observe($(".stage"));
