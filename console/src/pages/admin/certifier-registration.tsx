import { useContext, useState } from "react";
import { App, Button, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { LanguageContext, useT } from "../../i18n/i18n";
import { StateTag } from "../../shell/state-tag";
import type { Organization } from "./organizations-page";

interface CertifierStatus {
  address: string;
  registered: boolean;
  registeredAt: string | null;
}

/** Where the service does not hold the registry admin's key, the transaction the admin must send. */
interface AdminTransaction {
  admin: string;
  to: string;
  data: string;
}

/**
 * A certifier's registration on chain (GET /api/certifiers/:orgId) and the button that registers
 * it (POST …/register): sent by the service when it holds the registry admin's key (embedded
 * chain), otherwise answered with the transaction the registry admin signs elsewhere.
 */
export function CertifierRegistration({ organization }: { organization: Organization }) {
  const t = useT();
  const locale = useContext(LanguageContext).language === "zh" ? "zh-CN" : "en";
  const { message } = App.useApp();
  // Without an address there is nothing to look up: the API would answer 422 NO_ADDRESS.
  const status = useApi<CertifierStatus>(organization.address ? `/api/certifiers/${organization.id}` : null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<AdminTransaction>();

  if (!organization.address) return <StateTag tone="warn">{t("certifier.noAddress")}</StateTag>;
  const register = async () => {
    setBusy(true);
    try {
      const answer = await api<{ adminTransaction?: AdminTransaction }>(
        "POST",
        `/api/certifiers/${organization.id}/register`,
        { name: organization.name },
      );
      if (answer.adminTransaction) setPending(answer.adminTransaction);
      else message.success(t("certifier.registered"));
      status.reload();
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size={4}>
      <Space wrap>
        {status.data?.registered ? (
          <StateTag tone="ok">
            {t("certifier.onChain", {
              at: status.data.registeredAt ? new Date(status.data.registeredAt).toLocaleString(locale) : "",
            })}
          </StateTag>
        ) : (
          <StateTag tone="warn">{t("certifier.notOnChain")}</StateTag>
        )}
        <Typography.Text code>{organization.address}</Typography.Text>
        {status.data && !status.data.registered && (
          <Button
            onClick={register}
            loading={busy}
            aria-label={t("certifier.registerWho", { name: organization.name })}
          >
            {t("certifier.register")}
          </Button>
        )}
      </Space>
      {status.error && <Typography.Text type="danger">{status.error}</Typography.Text>}
      {pending && (
        <Typography.Paragraph>
          {t("certifier.adminMustSend", { admin: pending.admin, to: pending.to })}
          <Typography.Text code copyable>
            {pending.data}
          </Typography.Text>
        </Typography.Paragraph>
      )}
    </Space>
  );
}
