// Sound from the kiosk, for boards without a buzzer: the buzzer's alarm patterns (see
// DwellCore's IndicatorSignal+Patterns.swift) played with Web Audio, for alarms only. The
// loudest alarm of any bed plays; a bed the daemon silenced is quiet (there is no local mute).

import { $ } from "./state.js";

// Pulses as [start ms, length ms]; `every` the repeat period.
function bursts(groups, pulse, gap, groupGaps, every) {
  const pulses = [];
  let t = 0;
  groups.forEach((count, g) => {
    for (let i = 0; i < count; i++) {
      pulses.push([t, pulse]);
      t += pulse + (i < count - 1 ? gap : 0);
    }
    if (g < groups.length - 1) t += groupGaps[g];
  });
  return { pulses, every };
}

export const PATTERNS = {
  // Medium priority: 3 pulses of 150 ms, 150 ms apart, every 15 s.
  medium: { ...bursts([3], 150, 150, [], 15000), hz: 523 },
  // High priority: 3 + 2, 1 s, 3 + 2 pulses of 125 ms (100 ms apart, 375 ms between groups), every 8 s
  // (IndicatorSignal.highBursts: the gap sits inside IEC's 50–125 ms with room for a late edge).
  high: { ...bursts([3, 2, 3, 2], 125, 100, [375, 1000, 375], 8000), hz: 659 },
  // Escalated high priority: the same, every 6.1 s (2.5 s of silence, the shortest IEC allows).
  urgent: { ...bursts([3, 2, 3, 2], 125, 100, [375, 1000, 375], 6100), hz: 659 },
};

const MEDIUM = /^(attention|pause-overdue|reconcile)$/;
const HIGH = /^(attention-escalated|pause-overdue-escalated|needles-unaccounted|interrupted|reconcile-escalated|calling)$/;
const URGENT = /^(needles-unaccounted-escalated|interrupted-escalated)$/;

// The pattern a bed asks for: none when silenced or without an alarm.
export function levelOf(d) {
  if (!d || d.signal === "silenced") return null;
  if (d.call) return "high";
  if (URGENT.test(d.signal)) return "urgent";
  if (HIGH.test(d.signal)) return "high";
  if (MEDIUM.test(d.signal)) return "medium";
  return null;
}

const RANK = { medium: 1, high: 2, urgent: 3 };

export const sound = {
  current: null, ctx: null, timer: null, played: 0,
  follow(beds) {
    let level = null;
    for (const bed of beds.values()) {
      const l = levelOf(bed.data);
      if (l && (!level || RANK[l] > RANK[level])) level = l;
    }
    if (level === this.current) return;
    this.current = level;
    clearInterval(this.timer);
    this.timer = null;
    if (!level) return;
    this.play(level);
    this.timer = setInterval(() => this.play(level), PATTERNS[level].every);
  },
  play(level) {
    const ctx = this.context();
    if (!ctx) return;
    const p = PATTERNS[level];
    const t0 = ctx.currentTime + 0.05;
    for (const [start, length] of p.pulses) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = p.hz;
      const a = t0 + start / 1000, b = a + length / 1000;
      gain.gain.setValueAtTime(0, a);
      gain.gain.linearRampToValueAtTime(0.25, a + 0.01);
      gain.gain.setValueAtTime(0.25, b - 0.01);
      gain.gain.linearRampToValueAtTime(0, b);
      osc.connect(gain).connect(ctx.destination);
      osc.start(a);
      osc.stop(b + 0.02);
    }
    this.played += 1;
  },
  context() {
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      this.ctx = new Ctx();
      this.ctx.onstatechange = () => showUnlock(this.ctx);
    }
    showUnlock(this.ctx);
    return this.ctx;
  },
};

// A browser may keep sound off until the screen is touched once (the kiosk unit's Chromium is
// started with --autoplay-policy=no-user-gesture-required, so it never asks there).
function showUnlock(ctx) {
  $("#sound").hidden = ctx.state !== "suspended";
}
$("#sound").addEventListener("click", () => sound.ctx && sound.ctx.resume());
document.addEventListener("pointerdown", () => { if (sound.ctx && sound.ctx.state === "suspended") sound.ctx.resume(); });
