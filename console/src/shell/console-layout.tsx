import { Suspense, useEffect, useState } from "react";
import { Button, Layout, Menu, Result, Space, Spin, Typography } from "antd";
import { api } from "../api/api-client";
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
  const [roles, setRoles] = useState<string[]>();

  useEffect(() => {
    // The organization's business roles come from the same public API every client uses.
    api<{ roles: string[] }>("GET", `/api/orgs/${session.organization.id}`)
      .then((organization) => setRoles(organization.roles))
      .catch(() => setRoles([]));
  }, [session.organization.id]);

  if (!roles) return <Spin fullscreen />;
  const screens = screensFor(session, roles);
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
          <Menu
            mode="horizontal"
            selectedKeys={found && found.screen.inMenu ? [found.screen.path] : []}
            items={menu.map((screen) => ({
              key: screen.path,
              label: (
                <a
                  href={`/console${screen.path}`}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(screen.path);
                  }}
                >
                  {t(screen.title)}
                </a>
              ),
            }))}
          />
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
