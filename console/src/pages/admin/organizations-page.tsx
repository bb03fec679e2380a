import { useState } from "react";
import { Alert, App, Button, Card, Checkbox, Form, Input, List, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT, type MessageKey } from "../../i18n/i18n";
import { ORGANIZATION_ROLES } from "../../../../server/modules/organizations/domain/organization-role";
import { CertifierRegistration } from "./certifier-registration";

export interface Organization {
  id: string;
  name: string;
  roles: string[];
  address?: string;
}

interface NewOrganization {
  name: string;
  roles: string[];
  address?: string;
}

/**
 * The service admin's organizations: every organization with its roles, a form to create one (its
 * first API key is shown once), and for certifiers their registration on chain.
 */
export function OrganizationsPage() {
  const t = useT();
  const { message } = App.useApp();
  const organizations = useApi<{ items: Organization[] }>("/api/orgs");
  const [created, setCreated] = useState<{ name: string; apiKey: string }>();
  const [form] = Form.useForm<NewOrganization>();

  const create = async (values: NewOrganization) => {
    try {
      const address = values.address?.trim();
      const answer = await api<{ name: string; apiKey: string }>("POST", "/api/orgs", {
        name: values.name.trim(),
        roles: values.roles,
        ...(address ? { address } : {}),
      });
      setCreated(answer);
      message.success(t("orgs.created"));
      form.resetFields();
      organizations.reload();
    } catch (failure) {
      message.error(describeError(failure));
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.organizations")}
      </Typography.Title>
      {organizations.error && <Alert type="error" title={organizations.error} />}
      <Card title={<h2 className="card-title">{t("orgs.create")}</h2>}>
        <Form form={form} layout="vertical" onFinish={create}>
          <Form.Item name="name" label={t("orgs.name")} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
          {/* A validator, not `required`: antd would put aria-required on the group's <div>, which axe refuses. */}
          <Form.Item
            name="roles"
            label={t("orgs.roles")}
            rules={[
              {
                validator: (_rule, roles?: string[]) =>
                  roles?.length ? Promise.resolve() : Promise.reject(new Error(t("orgs.rolesRequired"))),
              },
            ]}
          >
            <Checkbox.Group
              options={ORGANIZATION_ROLES.map((role) => ({
                value: role,
                label: t(`orgs.role.${role}` as MessageKey),
              }))}
            />
          </Form.Item>
          <Form.Item name="address" label={t("orgs.address")} extra={t("orgs.addressHelp")}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t("orgs.createSubmit")}
          </Button>
        </Form>
        {created && (
          <Alert
            style={{ marginTop: 12 }}
            type="warning"
            title={t("orgs.keyShownOnce", { name: created.name })}
            description={
              <Typography.Text code copyable>
                {created.apiKey}
              </Typography.Text>
            }
          />
        )}
      </Card>
      <Card title={<h2 className="card-title">{t("orgs.title")}</h2>}>
        <List
          loading={organizations.loading}
          dataSource={organizations.data?.items ?? []}
          renderItem={(organization) => (
            <List.Item>
              <Space orientation="vertical" size={4} style={{ width: "100%" }}>
                <Typography.Text strong>{organization.name}</Typography.Text>
                <span>
                  {organization.roles.map((role) => t(`orgs.role.${role}` as MessageKey)).join(" · ")}
                </span>
                <Typography.Text code>{organization.id}</Typography.Text>
                {organization.roles.includes("certifier") && (
                  <CertifierRegistration organization={organization} />
                )}
              </Space>
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
