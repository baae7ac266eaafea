// The language in the component tree: the root re-renders the whole window
// when the language changes (Settings, or another window of the app), so
// every t() call runs again; `useLang()` for values memoised by language.
import { createContext, type ComponentType } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { currentLang, initLang, onLangChange, STORAGE_KEY, type Lang } from "./index";

const LangContext = createContext<Lang>("en");

/** The active language; a component using it re-renders when it changes. */
export function useLang(): Lang {
  return useContext(LangContext);
}

/** Renders `view` again, whole, in every new language. */
export function LangRoot({ view: View }: { view: ComponentType }) {
  const [lang, setLang] = useState<Lang>(currentLang);
  useEffect(() => {
    const off = onLangChange(setLang);
    // The palette and the main window share the stored choice.
    const onStorage = (e: StorageEvent) => {
      if (e.key === STORAGE_KEY || e.key === null) initLang();
    };
    window.addEventListener("storage", onStorage);
    return () => {
      off();
      window.removeEventListener("storage", onStorage);
    };
  }, []);
  return (
    <LangContext.Provider value={lang}>
      <View />
    </LangContext.Provider>
  );
}
