// Benchmark of the real app (run by scripts/bench-app.sh, release build):
// cold start to the first code on screen, unlocked by the keyring slot,
// and the memory of all the app's processes, with 1,000 entries: PSS (each
// shared page divided among the processes that map it, so WebKit's shared
// libraries are not counted once per process) and RSS, next to a minimal
// Tauri window (src-tauri/examples/minimal_window.rs) measured in the same
// run (issue 16 item 4).
// Not a test: it prints figures (and writes artifacts/bench-app.json).
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  APP, ROOT, SHOTS, all, base32Encode, click, find, screenshot, startApp, startWithNewVault, waitFor,
} from "./helpers.js";

const N = Number(process.env.APIQ_BENCH_ENTRIES ?? 1000);
const RUNS = Number(process.env.APIQ_BENCH_RUNS ?? 5);

/** RSS (KiB) of a process and all its descendants. */
function treeRss(rootPid) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const procs = [];
  const walk = (pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /Name:\s+(.*)/.exec(status)[1];
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      let pss = 0;
      try {
        pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
      } catch { /* no smaps_rollup */ }
      procs.push({ pid, name, rss, pss });
    } catch { /* gone */ }
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(rootPid);
  return procs;
}

function appPid() {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0")[0] === APP) return Number(d);
    } catch { /* gone */ }
  }
  return null;
}

// 1. A vault with N entries and a keyring slot, filled through the window.
const lines = [];
for (let i = 0; i < N; i++) {
  const secret = base32Encode(Buffer.from(`bench-secret-${String(i).padStart(6, "0")}-xyz`));
  lines.push(`otpauth://totp/Service%20${i}:user${i}@example.com?secret=${secret}&issuer=Service%20${i}`);
}
const file = join(SHOTS, `bench-${N}.txt`);
writeFileSync(file, lines.join("\n") + "\n");
let driver = await startWithNewVault({ autoLockSecs: 0 });
await click(driver, "main-menu");
await click(driver, "import-open");
await (await find(driver, "import-file")).sendKeys(file);
await waitFor(driver, async () => (await find(driver, "import-save")).isEnabled(), "import ready", 60000);
// The button stays in view however long the list (the dialog's body scrolls).
const visible = await driver.executeScript(`const r = document.querySelector('[data-testid="import-save"]').getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;`);
if (!visible) throw new Error("the import button is off screen with a long preview");
await screenshot(driver, "import-long-preview");
await click(driver, "import-save");
await waitFor(driver, async () => (await all(driver, "entry")).length >= 20, "entries shown", 120000);
await driver.quit();

// 2. Cold starts: session request → first code on screen.
// Two figures: when the page drew its first code, by the page's own clock
// (the frame marked "apiq-first-code" in views/codes.tsx, against the
// moment the session was asked for), and when WebDriver's polling saw it
// (its first script after a start can wait up to ~0.5 s for WebKit when
// compositing is off, so it is the later of the two).
const times = [];
const painted = [];
let memory = null;
for (let r = 0; r < RUNS; r++) {
  const epoch0 = Date.now();
  const t0 = performance.now();
  driver = await startApp();
  await driver.wait(async () => {
    return driver.executeScript(
      "const c = document.querySelector('[data-testid=entry-code]'); return !!c && /\\d/.test(c.textContent);",
    );
  }, 60000, "no code on screen");
  const ms = performance.now() - t0;
  times.push(ms);
  const mark = await driver.wait(
    () =>
      driver.executeScript(
        "const m = performance.getEntriesByName('apiq-first-code')[0]; return m ? performance.timeOrigin + m.startTime : null;",
      ),
    10000,
    "no apiq-first-code mark",
  );
  painted.push(mark - epoch0);
  if (r === RUNS - 1) {
    await new Promise((res) => setTimeout(res, 3000)); // settle
    const pid = appPid();
    const procs = pid ? treeRss(pid) : [];
    memory = {
      totalMiB: procs.reduce((a, p) => a + p.rss, 0) / 1024,
      pssMiB: procs.reduce((a, p) => a + p.pss, 0) / 1024,
      processes: procs,
    };
    await screenshot(driver, `bench-${N}-entries`);
  }
  await driver.quit();
}

// 3. The floor: a minimal Tauri window (one static page), same machine,
// same display, measured the same way once its page has loaded.
let minimal = null;
const MINIMAL = join(dirname(APP), "examples", "minimal_window");
try {
  const child = spawn(MINIMAL, [], { stdio: "ignore", env: { ...process.env, HOME: process.env.HOME } });
  await new Promise((res) => setTimeout(res, 8000));
  const procs = treeRss(child.pid);
  minimal = {
    totalMiB: procs.reduce((a, p) => a + p.rss, 0) / 1024,
    pssMiB: procs.reduce((a, p) => a + p.pss, 0) / 1024,
    processes: procs,
  };
  child.kill("SIGTERM");
  await new Promise((res) => setTimeout(res, 1000));
} catch (e) {
  console.log(`the minimal window could not be measured: ${e}`);
}

times.sort((a, b) => a - b);
painted.sort((a, b) => a - b);
const spread = (v) => ({ min: Math.round(v[0]), median: Math.round(v[Math.floor(v.length / 2)]), max: Math.round(v.at(-1)) });
const result = {
  entries: N,
  runs: RUNS,
  firstCodeMs: spread(times),
  firstCodePaintedMs: spread(painted),
  memory,
  minimal,
};
writeFileSync(join(ROOT, "artifacts", "bench-app.json"), JSON.stringify(result, null, 2));
console.log(`cold start to first code (${N} entries, keyring unlock, ${RUNS} runs), seen by WebDriver: min ${result.firstCodeMs.min} ms, median ${result.firstCodeMs.median} ms, max ${result.firstCodeMs.max} ms`);
console.log(`  drawn, by the page's clock: min ${result.firstCodePaintedMs.min} ms, median ${result.firstCodePaintedMs.median} ms, max ${result.firstCodePaintedMs.max} ms`);
for (const [what, m] of [["the app", memory], ["a minimal Tauri window", minimal]]) {
  if (!m) continue;
  console.log(`memory of ${what}'s processes: PSS ${m.pssMiB.toFixed(0)} MiB, RSS ${m.totalMiB.toFixed(0)} MiB`);
  for (const p of m.processes) console.log(`  ${p.name} (${p.pid}): PSS ${(p.pss / 1024).toFixed(0)} MiB, RSS ${(p.rss / 1024).toFixed(0)} MiB`);
}
if (memory && minimal) {
  console.log(`app PSS / minimal window PSS: ${(memory.pssMiB / minimal.pssMiB).toFixed(2)} (target: at most 300 MiB, and below the minimal window's own figure)`);
}
