import { useEffect, useState } from "react";
import { App as AntApp, ConfigProvider, Spin } from "antd";
import zhCN from "antd/locale/zh_CN";
import enUS from "antd/locale/en_US";
import { initialLanguage, LanguageContext, type Language } from "./i18n/i18n";
import { currentSession, logOut, SessionContext, type Session } from "./session/session";
import { LoginPage } from "./pages/login-page";
import { ConsoleLayout } from "./shell/console-layout";
import { BASE, match, navigate, usePath } from "./shell/router";
import { AcceptInvitationPage } from "./pages/accept-invitation-page";
import { preloadScreen } from "./shell/navigation";

/**
 * The service puts a fresh nonce into index.html's `<meta property="csp-nonce">` on every load;
 * antd's CSS-in-JS writes its <style> tags with it, so the CSP needs no 'unsafe-inline'.
 */
const cspNonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;

export function App() {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = usePath();

  useEffect(() => {
    preloadScreen(window.location.pathname.slice(BASE.length));
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

  const invitation = match("/invitations/:token", path);
  let content;
  // Not <Spin fullscreen>: its portal locks scrolling with a <style> tag that carries no CSP nonce.
  if (session === undefined) content = <Spin className="page-loading" />;
  else if (session === null && invitation) content = <AcceptInvitationPage token={invitation.token} />;
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
        theme={{
          // Hover colours, links and secondary text darker than antd's defaults: WCAG AA contrast (4.5:1) on white.
          token: {
            colorPrimary: "#2f7d32",
            colorPrimaryHover: "#245f27",
            colorError: "#c62828",
            colorLink: "#1d6b21",
            colorLinkHover: "#245f27",
            colorTextSecondary: "rgba(0, 0, 0, 0.68)",
            colorTextTertiary: "rgba(0, 0, 0, 0.62)",
            colorTextDescription: "rgba(0, 0, 0, 0.62)",
          },
        }}
      >
        <AntApp>{content}</AntApp>
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}
