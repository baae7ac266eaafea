import { defineConfig } from "vitest/config";
import { brandIcons } from "./brand-icons.ts";

// The window serves ui/dist from inside the binary (no dev server in
// production); relative asset paths keep that working.
export default defineConfig({
  base: "./",
  // Brand icons from simple-icons, loaded per bucket (see brand-icons.ts).
  plugins: [brandIcons()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: { port: 5173, strictPort: true },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
