import { createContext, useContext } from "react";
import { en } from "./messages.en";
import { zh, type MessageKey } from "./messages.zh";

/** zh-CN first; English on request (the switch in the header, remembered in localStorage). */
export type Language = "zh" | "en";

const catalogues: Record<Language, Record<MessageKey, string>> = { zh, en };

export function initialLanguage(): Language {
  return localStorage.getItem("ecotrace.lang") === "en" ? "en" : "zh";
}

export function translate(
  language: Language,
  key: MessageKey,
  values?: Record<string, string | number>,
): string {
  const template = catalogues[language][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? ""));
}

export const LanguageContext = createContext<{ language: Language; setLanguage(language: Language): void }>({
  language: "zh",
  setLanguage: () => undefined,
});

/** `const t = useT(); t("batches.title")`. */
export function useT(): (key: MessageKey, values?: Record<string, string | number>) => string {
  const { language } = useContext(LanguageContext);
  return (key, values) => translate(language, key, values);
}

export type { MessageKey };
