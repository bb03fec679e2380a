import { Suspense } from "react";
import { Button, Layout, Result, Space, Spin, Typography } from "antd";
import { useT } from "../i18n/i18n";
import { useSession } from "../session/session";
import { LanguageSwitch } from "./language-switch";
import { match, navigate, usePath } from "./router";
import { screensFor, type Screen } from "./navigation";

/** Header with the role-aware menu, the language switch and logout; below it the current screen. */
export function ConsoleLayout() {
  const t = useT();
  const { session, signOut } = useSession();
  const path = usePath();
  const screens = screensFor(session);
  const menu = screens.filter((screen) => screen.inMenu);
  const found = findScreen(screens, path);
  if (!found && path === "/" && menu.length) {
    navigate(menu[0].path);
    return null;
  }

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header className="console-header">
        <Typography.Text strong className="console-brand">
          {t("app.title")}
        </Typography.Text>
        <nav aria-label={t("nav.label")} className="console-nav">
          {/* Plain links in a row (wrapped on a phone): every screen one tap away. */}
          {menu.map((screen) => (
            <a
              key={screen.path}
              href={`/console${screen.path}`}
              aria-current={found?.screen === screen ? "page" : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(screen.path);
              }}
            >
              {t(screen.title)}
            </a>
          ))}
        </nav>
        <Space>
          <LanguageSwitch />
          <Button onClick={signOut} aria-label={t("nav.logout")}>
            {t("nav.logout")}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="console-content">
        <Typography.Text type="secondary" className="console-who">
          {session.user.name} · {session.organization.name}
        </Typography.Text>
        <main>
          <Suspense fallback={<Spin />}>
            {found ? (
              <found.screen.component params={found.params} />
            ) : (
              <Result status="404" title={t("nav.notFound")} />
            )}
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}

function findScreen(screens: Screen[], path: string) {
  // Literal paths first: /batches/new is not the batch "new".
  const ordered = [...screens].sort((a, b) => Number(a.path.includes(":")) - Number(b.path.includes(":")));
  for (const screen of ordered) {
    const params = match(screen.path, path);
    if (params) return { screen, params };
  }
  return undefined;
}
