import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { describeError } from "../api/api-client";
import { useT } from "../i18n/i18n";
import { logIn, type Session } from "../session/session";
import { LanguageSwitch } from "../shell/language-switch";

export function LoginPage({ onLoggedIn }: { onLoggedIn(session: Session): void }) {
  const t = useT();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onLoggedIn(await logIn(values.email, values.password));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <Card style={{ maxWidth: 380, margin: "10vh auto" }}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t("app.title")}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Typography.Paragraph type="secondary">{t("login.intro")}</Typography.Paragraph>
        {error && <Alert type="error" role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="email" label={t("login.email")} rules={[{ required: true, type: "email" }]}>
            <Input autoComplete="username" inputMode="email" />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
