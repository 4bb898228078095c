// Fitting: every bed visible without scrolling, and each card's text fitted to its card.

import { $, beds, beds_el } from "./state.js";

// When everything a phase shows does not fit the card (an error, NOT LIVE, a long reason),
// the less important parts go, in this order, until it fits: nothing is cut off or overlaps.
const SQUEEZE_STEPS = ["progress", "next step", "protocol", "one-line step", "restart time"];

export function squeeze(bed) {
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

export function fitCount(count) {
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

export function fitText(box, floor = 11) {
  // A block of text shrinks (down to a readable minimum) rather than being cut off.
  if (box.hidden) return;
  box.style.fontSize = "";
  let size = parseFloat(getComputedStyle(box).fontSize);
  while (box.scrollHeight > box.clientHeight + 1 && size > floor) {
    size = Math.max(floor, size * 0.92);
    box.style.fontSize = `${size}px`;
  }
}

// ---------------------------------------------------------------------------------------
// Layout: every bed visible without scrolling; choose the grid that keeps cards largest.

export function layout() {
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
