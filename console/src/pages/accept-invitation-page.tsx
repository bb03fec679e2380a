import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { api, describeError } from "../api/api-client";
import { useT } from "../i18n/i18n";
import { navigate } from "../shell/router";
import { LanguageSwitch } from "../shell/language-switch";

/** Where an invitation link leads: the invited person chooses a password, then logs in. */
export function AcceptInvitationPage({ token }: { token: string }) {
  const t = useT();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: { name?: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api("POST", `/api/invitations/${encodeURIComponent(token)}/accept`, {
        password: values.password,
        ...(values.name?.trim() ? { name: values.name.trim() } : {}),
      });
      navigate("/");
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <Card style={{ maxWidth: 380, margin: "10vh auto" }}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t("invitation.title")}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {error && <Alert type="error" role="alert" title={error} style={{ margin: "16px 0" }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="name" label={t("members.name")}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item name="password" label={t("invitation.password")} rules={[{ required: true, min: 12 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("invitation.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
