// The window's one icon cache (lib/icons.ts), asking the Rust side.
import { api } from "../ipc";
import { createIconCache } from "./icons";

export const icons = createIconCache(api);
