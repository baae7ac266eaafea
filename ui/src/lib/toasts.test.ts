import { describe, expect, it } from "vitest";
import { MAX_ACTIONS, pushToast, type Toast } from "./toasts";

let id = 0;
const plain = (text: string, error = false): Toast => ({ id: ++id, text, error, count: 1 });
const undo = (text: string): Toast => ({ id: ++id, text, count: 1, action: { label: "Undo", run: () => {} } });
const texts = (ts: Toast[]) => ts.map((t) => (t.count > 1 ? `${t.text} ×${t.count}` : t.text));

describe("pushToast", () => {
  it("shows one plain message: the newest replaces the one shown", () => {
    let ts = pushToast([], plain("Added 1 account."));
    ts = pushToast(ts, plain("Imported 7."));
    expect(texts(ts)).toEqual(["Imported 7."]);
  });

  it("counts the same message instead of stacking it", () => {
    let ts = pushToast([], plain("Added 1 account."));
    ts = pushToast(ts, plain("Added 1 account."));
    ts = pushToast(ts, plain("Added 1 account."));
    expect(texts(ts)).toEqual(["Added 1 account. ×3"]);
    // An error with the same words is another message.
    ts = pushToast(ts, plain("Added 1 account.", true));
    expect(ts).toHaveLength(1);
    expect(ts[0].error).toBe(true);
    expect(ts[0].count).toBe(1);
  });

  it("keeps an Undo above newer plain messages", () => {
    let ts = pushToast([], undo("Deleted Alpha."));
    ts = pushToast(ts, plain("Copied."));
    ts = pushToast(ts, plain("Locked."));
    expect(texts(ts)).toEqual(["Deleted Alpha.", "Locked."]);
  });

  it("keeps at most a few Undos, the newest, and drops a plain message for a new Undo", () => {
    let ts: Toast[] = [];
    for (const name of ["A", "B", "C", "D", "E"]) ts = pushToast(ts, undo(`Deleted ${name}.`));
    expect(texts(ts)).toEqual(["Deleted C.", "Deleted D.", "Deleted E."].slice(-MAX_ACTIONS));
    ts = pushToast(ts, plain("Copied."));
    ts = pushToast(ts, undo("Deleted F."));
    expect(texts(ts)).not.toContain("Copied.");
    expect(ts.filter((t) => t.action)).toHaveLength(MAX_ACTIONS);
    expect(texts(ts).at(-1)).toBe("Deleted F.");
  });
});
