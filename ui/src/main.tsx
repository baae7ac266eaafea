import { render } from "preact";
import { App } from "./app";
import "./styles.css";

// A script error must not leave a blank window: say so, in words.
function showCrash(what: unknown) {
  const el = document.getElementById("crash") ?? document.body.appendChild(document.createElement("div"));
  el.id = "crash";
  el.className = "error-box";
  el.setAttribute("role", "alert");
  el.setAttribute("data-testid", "crash");
  el.style.cssText = "position:fixed;left:12px;right:12px;bottom:12px;z-index:999";
  el.textContent = `Something went wrong in the window: ${what instanceof Error ? what.message : String(what)}`;
}
window.addEventListener("error", (e) => showCrash(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => showCrash(e.reason));

try {
  render(<App />, document.getElementById("app")!);
} catch (e) {
  showCrash(e);
}
