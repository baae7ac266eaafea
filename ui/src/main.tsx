import { render } from "preact";
import { App } from "./app";
import { initLang, t } from "./i18n";
import { LangRoot } from "./i18n/root";
import { Palette } from "./views/palette";
import { windowLabel } from "./ipc";
import "./styles.css";

// A script error must not leave a blank window: say so, in words.
function showCrash(what: unknown) {
  const el = document.getElementById("crash") ?? document.body.appendChild(document.createElement("div"));
  el.id = "crash";
  el.className = "error-box";
  el.setAttribute("role", "alert");
  el.setAttribute("data-testid", "crash");
  el.style.cssText = "position:fixed;left:12px;right:12px;bottom:12px;z-index:999";
  el.textContent = t("app.crash", { message: what instanceof Error ? what.message : String(what) });
}
window.addEventListener("error", (e) => showCrash(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => showCrash(e.reason));

try {
  // One bundle, two windows: the main window, and quick copy's palette.
  const root = document.getElementById("app");
  if (!root) throw new Error("index.html has no #app element");
  initLang();
  render(<LangRoot view={windowLabel() === "palette" ? Palette : App} />, root);
} catch (e) {
  showCrash(e);
}
