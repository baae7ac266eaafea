// Which picture a row's round icon shows, asked of the Rust side lazily and
// at most once: the entry's own picture (kept in the vault; `EntryView.icon`
// is a key that changes with it), else an imported icon pack's picture for
// the issuer, else nothing (the row then shows its brand icon or initials,
// see views/entry-row.tsx). Pure apart from the source it is given, so the
// tests hand it a fake; the window's one instance is in icons-load.ts.
//
// - An own picture is asked once per entry and key; a new key (the picture
//   changed) asks again and drops the old one, so at most one picture per
//   entry is held.
// - The list of packs is asked once; with no pack, no issuer is ever asked.
//   A pack picture is asked once per issuer. Importing or removing a pack
//   (`packsChanged`) drops every pack answer and tells the rows to ask again.
// - Requests in flight are shared: rows drawn together ask once.
// - A failed request counts as "no picture" (the letters stay); it is not
//   retried until the key or the packs change.

/** An imported pack, as far as the cache cares (IconPackView). */
export interface PackInfo {
  uuid: string;
}

/** What the cache asks: the wrappers of ipc/index.ts. */
export interface IconSource<P extends PackInfo = PackInfo> {
  entryIcon(id: string): Promise<string | null>;
  packIcon(issuer: string): Promise<string | null>;
  iconPacks(): Promise<P[]>;
}

/** A picture (a data: URL), null for none, undefined while not known. */
export type Picture = string | null | undefined;

interface Own {
  key: string;
  value: Picture;
  pending: Promise<string | null>;
}

export interface IconCache<P extends PackInfo = PackInfo> {
  /** The picture for a row when already known, without asking: the
   *  entry's own (when `key` is not null), else its issuer's pack picture.
   *  Undefined when something still has to be asked. */
  peek(id: string, key: string | null, issuer: string): Picture;
  /** The picture for a row, asking what is not known yet. */
  load(id: string, key: string | null, issuer: string): Promise<string | null>;
  /** The entry's own picture alone (the edit dialog). */
  own(id: string, key: string): Promise<string | null>;
  /** The packs, asked once. */
  packs(): Promise<readonly P[]>;
  /** Packs were imported or removed: forget the pack answers (and the
   *  list, or take `list` as the new one) and tell the listeners. */
  packsChanged(list?: readonly P[]): void;
  /** Calls `f` after every `packsChanged`; returns the unsubscribe. */
  onPacksChange(f: () => void): () => void;
  /** Drops the entries' own pictures (the vault was locked). */
  forgetEntries(): void;
}

export function createIconCache<P extends PackInfo>(source: IconSource<P>): IconCache<P> {
  const owns = new Map<string, Own>();
  let packList: readonly P[] | null = null;
  let packsPending: Promise<readonly P[]> | null = null;
  const byIssuer = new Map<string, { value: Picture; pending: Promise<string | null> }>();
  // Bumped by packsChanged: an answer to an older question is not kept.
  let generation = 0;
  const listeners = new Set<() => void>();

  function ownEntry(id: string, key: string): Own {
    const had = owns.get(id);
    if (had && had.key === key) return had;
    const slot: Own = {
      key,
      value: undefined,
      pending: source.entryIcon(id).then(
        (v) => v,
        () => null,
      ),
    };
    void slot.pending.then((v) => {
      slot.value = v;
    });
    owns.set(id, slot);
    return slot;
  }

  function packs(): Promise<readonly P[]> {
    if (packList) return Promise.resolve(packList);
    if (!packsPending) {
      const gen = generation;
      const p = source.iconPacks().then(
        (l): readonly P[] => l,
        (): readonly P[] => [],
      );
      packsPending = p;
      void p.then((l) => {
        if (gen !== generation) return;
        packList = l;
        packsPending = null;
      });
    }
    return packsPending;
  }

  function packPeek(issuer: string): Picture {
    const iss = issuer.trim();
    if (!iss) return null;
    if (packList && packList.length === 0) return null;
    return byIssuer.get(iss)?.value;
  }

  async function packLoad(issuer: string): Promise<string | null> {
    const iss = issuer.trim();
    if (!iss) return null;
    const gen = generation;
    const list = await packs();
    if (list.length === 0) return null;
    if (gen !== generation) return packLoad(issuer);
    let slot = byIssuer.get(iss);
    if (!slot) {
      const s: { value: Picture; pending: Promise<string | null> } = {
        value: undefined,
        pending: source.packIcon(iss).then(
          (v) => v,
          () => null,
        ),
      };
      void s.pending.then((v) => {
        s.value = v;
      });
      byIssuer.set(iss, s);
      slot = s;
    }
    return slot.pending;
  }

  return {
    peek(id, key, issuer) {
      if (key !== null) {
        const had = owns.get(id);
        if (!had || had.key !== key) return undefined;
        if (had.value !== null) return had.value;
      }
      return packPeek(issuer);
    },
    async load(id, key, issuer) {
      if (key !== null) {
        const mine = await ownEntry(id, key).pending;
        if (mine !== null) return mine;
      }
      return packLoad(issuer);
    },
    own(id, key) {
      return ownEntry(id, key).pending;
    },
    packs,
    packsChanged(list) {
      generation += 1;
      byIssuer.clear();
      packsPending = null;
      packList = list ?? null;
      for (const f of listeners) f();
    },
    onPacksChange(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    forgetEntries() {
      owns.clear();
    },
  };
}
