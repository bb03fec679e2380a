import { useState } from "react";
import { Alert, App, Button, Card, Form, Input, List, Select, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT } from "../../i18n/i18n";
import { useSession } from "../../session/session";

interface Member {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
}

/** The organization's admin: its id (for transfers), members (invite, remove) and API keys. */
export function MembersPage() {
  const t = useT();
  const { message } = App.useApp();
  const { session } = useSession();
  const orgId = session.organization.id;
  const members = useApi<{ items: Member[] }>(`/api/organizations/${orgId}/members`);
  const keys = useApi<{ items: { id: string; prefix: string; revokedAt?: string | null }[] }>(
    `/api/orgs/${orgId}/keys`,
  );
  const [invitation, setInvitation] = useState<string>();
  const [newKey, setNewKey] = useState<string>();
  const [form] = Form.useForm<{ email: string; name: string; role: Member["role"] }>();

  const run = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (failure) {
      message.error(describeError(failure));
    }
  };
  const invite = (values: { email: string; name: string; role: Member["role"] }) =>
    run(async () => {
      const { token } = await api<{ token: string }>("POST", `/api/organizations/${orgId}/members`, values);
      setInvitation(token);
      form.resetFields();
      members.reload();
    });
  const remove = (member: Member) =>
    run(async () => {
      await api("DELETE", `/api/organizations/${orgId}/members/${member.id}`);
      message.success(t("members.removed"));
      members.reload();
    });
  const issueKey = () =>
    run(async () => {
      const { apiKey } = await api<{ apiKey: string }>("POST", `/api/orgs/${orgId}/keys`);
      setNewKey(apiKey);
      keys.reload();
    });

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.members")}
      </Typography.Title>
      <Typography.Text>
        {t("members.orgId")}{" "}
        <Typography.Text code copyable>
          {orgId}
        </Typography.Text>
      </Typography.Text>
      <Card title={<h2 className="card-title">{t("members.title")}</h2>}>
        <List
          dataSource={members.data?.items ?? []}
          renderItem={(member) => (
            <List.Item
              actions={
                member.id === session.user.id
                  ? []
                  : [
                      <Button
                        key="remove"
                        danger
                        onClick={() => remove(member)}
                        aria-label={t("members.removeWho", { name: member.email })}
                      >
                        {t("members.remove")}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={member.name}
                description={`${member.email} · ${t(member.role === "admin" ? "members.admin" : "members.member")}`}
              />
            </List.Item>
          )}
        />
        <Form form={form} layout="vertical" onFinish={invite} initialValues={{ role: "member" }}>
          <Form.Item name="email" label={t("login.email")} rules={[{ required: true, type: "email" }]}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t("members.name")} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t("members.role")}>
            <Select
              options={[
                { value: "member", label: t("members.member") },
                { value: "admin", label: t("members.admin") },
              ]}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t("members.invite")}
          </Button>
        </Form>
        {invitation && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            title={t("members.invitation")}
            description={
              <Typography.Text
                code
                copyable
              >{`${window.location.origin}/console/invitations/${invitation}`}</Typography.Text>
            }
          />
        )}
      </Card>
      <Card title={<h2 className="card-title">{t("keys.title")}</h2>}>
        <List
          dataSource={keys.data?.items ?? []}
          renderItem={(key) => (
            <List.Item>
              <Typography.Text code>{key.prefix}…</Typography.Text> {key.revokedAt ? t("keys.revoked") : ""}
            </List.Item>
          )}
        />
        <Button onClick={issueKey}>{t("keys.issue")}</Button>
        {newKey && (
          <Alert
            style={{ marginTop: 12 }}
            type="warning"
            title={t("keys.shownOnce")}
            description={
              <Typography.Text code copyable>
                {newKey}
              </Typography.Text>
            }
          />
        )}
      </Card>
    </Space>
  );
}
