// Which messages stay on screen when a new one comes (see
// components/toast.tsx): pure, so it is tested without a window.

export interface Toast {
  id: number;
  text: string;
  error?: boolean;
  action?: { label: string; run: () => void };
  ms?: number;
  /** How many times this text came in a row. */
  count: number;
}

/** How many messages with an action (each its own Undo) stay at once. */
export const MAX_ACTIONS = 3;

/** The messages to show once `fresh` arrives, oldest first: the live ones
 *  with an action (at most MAX_ACTIONS, newest kept), then at most one plain
 *  message, the newest; the same text and kind as the newest shown is
 *  counted instead of repeated. */
export function pushToast(shown: Toast[], fresh: Toast): Toast[] {
  const last = shown[shown.length - 1];
  if (last && !last.action && !fresh.action && last.text === fresh.text && !!last.error === !!fresh.error) {
    return [...shown.slice(0, -1), { ...last, count: last.count + 1, ms: fresh.ms }];
  }
  const withAction = shown.filter((t) => t.action);
  if (fresh.action) return [...withAction.slice(-(MAX_ACTIONS - 1)), fresh];
  return [...withAction.slice(-MAX_ACTIONS), fresh];
}
