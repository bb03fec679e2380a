import { useEffect, useState } from "react";
import { App as AntApp, ConfigProvider, Spin } from "antd";
import zhCN from "antd/locale/zh_CN";
import enUS from "antd/locale/en_US";
import { initialLanguage, LanguageContext, type Language } from "./i18n/i18n";
import { currentSession, logOut, SessionContext, type Session } from "./session/session";
import { LoginPage } from "./pages/login-page";
import { ConsoleLayout } from "./shell/console-layout";
import { navigate } from "./shell/router";

/**
 * The service puts a fresh nonce into index.html's `<meta property="csp-nonce">` on every load;
 * antd's CSS-in-JS writes its <style> tags with it, so the CSP needs no 'unsafe-inline'.
 */
const cspNonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;

export function App() {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    currentSession().then(setSession);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  }, [language]);

  const setLanguage = (next: Language) => {
    localStorage.setItem("ecotrace.lang", next);
    setLanguageState(next);
  };
  const signOut = async () => {
    await logOut().catch(() => undefined);
    setSession(null);
    navigate("/");
  };

  let content;
  if (session === undefined) content = <Spin fullscreen />;
  else if (session === null) content = <LoginPage onLoggedIn={setSession} />;
  else
    content = (
      <SessionContext.Provider value={{ session, signOut }}>
        <ConsoleLayout />
      </SessionContext.Provider>
    );

  return (
    <LanguageContext.Provider value={{ language, setLanguage }}>
      <ConfigProvider
        locale={language === "zh" ? zhCN : enUS}
        csp={{ nonce: cspNonce }}
        theme={{ token: { colorPrimary: "#2f7d32" } }}
      >
        <AntApp>{content}</AntApp>
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}
