import { useState } from "react";
import dayjs from "dayjs";
import { Alert, App, Button, Input, List, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT, type MessageKey } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import type { CertifierSigner } from "../../signing/certifier-signer";
import { CertificationStateTag } from "./certification-state-tag";
import { DraftCertificationForm } from "./draft-certification-form";
import { SignerCard } from "./signer-card";

export interface Certification {
  id: string;
  scheme: string;
  certificateNumber: string;
  subject: { kind: string; id: string };
  validFrom: string;
  validUntil: string;
  status: { state: string; reason: string };
}

type Change = "suspended" | "reinstated" | "revoked";

/**
 * The certifier's desk: open the key in the page, draft and sign certifications, and suspend,
 * reinstate or revoke them with a signed reason. The service relays signatures; it never sees the key.
 */
export function CertificationsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { session } = useSession();
  const [signer, setSigner] = useState<CertifierSigner>();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string>();
  const organization = useApi<{ address?: string }>(`/api/orgs/${session.organization.id}`);
  const certifications = useApi<{ items: Certification[] }>("/api/certifications?limit=100");

  const changeStatus = async (certification: Certification, status: Change) => {
    const reason = reasons[certification.id] ?? "";
    if (!signer || !reason.trim()) return;
    setBusy(`${certification.id}:${status}`);
    try {
      const query = new URLSearchParams({ status, reason }).toString();
      const template = await api<{
        domain: Record<string, unknown>;
        types: Record<string, { name: string; type: string }[]>;
        message: { reason: string; nonce: string; deadline: number };
        relayPath: string;
      }>("GET", `/api/certifications/${certification.id}/revocation-template?${query}`);
      const signature = await signer.signTypedData(template.domain, template.types, template.message);
      const { reason: signedReason, nonce, deadline } = template.message;
      await api("POST", template.relayPath, { reason: signedReason, nonce, deadline, signature });
      message.success(t(`certification.done.${status}` as MessageKey));
      certifications.reload();
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(undefined);
    }
  };

  const actions = (certification: Certification) => {
    const state = certification.status.state;
    const possible: Change[] =
      state === "suspended" ? ["reinstated", "revoked"] : state === "revoked" ? [] : ["suspended", "revoked"];
    if (!possible.length) return [];
    return [
      <Space key="change" wrap>
        <Input
          aria-label={t("certification.reason")}
          placeholder={t("certification.reason")}
          value={reasons[certification.id] ?? ""}
          onChange={(event) => setReasons({ ...reasons, [certification.id]: event.target.value })}
        />
        {possible.map((status) => (
          <Button
            key={status}
            danger={status === "revoked"}
            disabled={!signer || !(reasons[certification.id] ?? "").trim()}
            loading={busy === `${certification.id}:${status}`}
            onClick={() => changeStatus(certification, status)}
          >
            {t(`certification.action.${status}` as MessageKey)}
          </Button>
        ))}
      </Space>,
    ];
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.certifications")}
      </Typography.Title>
      <SignerCard signer={signer} expectedAddress={organization.data?.address} onSigner={setSigner} />
      <DraftCertificationForm signer={signer} onSigned={certifications.reload} />
      {certifications.error && <Alert type="error" title={certifications.error} />}
      <Typography.Title level={2} className="section-title">
        {t("certification.list")}
      </Typography.Title>
      <List
        loading={certifications.loading}
        dataSource={certifications.data?.items ?? []}
        locale={{ emptyText: <span className="empty-text">{t("certification.none")}</span> }}
        renderItem={(certification) => (
          <List.Item>
            <Space orientation="vertical" style={{ width: "100%" }}>
              <Space wrap>
                <Typography.Text strong>{certification.certificateNumber}</Typography.Text>
                <span>{certification.scheme}</span>
                <CertificationStateTag state={certification.status.state} />
              </Space>
              <Typography.Text type="secondary">
                {t(`certification.subject.${certification.subject.kind}` as MessageKey)}{" "}
                {certification.subject.id} · {dayjs(certification.validFrom).format("YYYY-MM-DD")} –{" "}
                {dayjs(certification.validUntil).format("YYYY-MM-DD")}
              </Typography.Text>
              {actions(certification)}
            </Space>
          </List.Item>
        )}
      />
    </Space>
  );
}
