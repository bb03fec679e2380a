import { useState } from "react";
import { App, Button, Card, DatePicker, Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import { hexlify, randomBytes } from "ethers";
import { draftToMessage } from "../../../../server/modules/certifications/domain/certification-draft";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT } from "../../i18n/i18n";
import type { CertifierSigner } from "../../signing/certifier-signer";

interface Values {
  kind: "batch" | "producer";
  subjectId: string;
  scheme: string;
  certificateNumber: string;
  validity: [Dayjs, Dayjs];
}

/**
 * A certification drafted in a form and signed here (EIP-712) with the key opened in this page.
 * The draft becomes the exact signed message by the same function the certify CLI uses.
 */
export function DraftCertificationForm({
  signer,
  onSigned,
}: {
  signer: CertifierSigner | undefined;
  onSigned(): void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const schemes = useApi<{ items: { code: string; name: string }[] }>("/api/certification-schemes");

  const submit = async (values: Values) => {
    if (!signer) return;
    setBusy(true);
    try {
      const { domain, types } = await api<{
        domain: Record<string, unknown>;
        types: Record<string, { name: string; type: string }[]>;
      }>("GET", "/api/certifications/eip712");
      const [from, until] = values.validity;
      const signedMessage = draftToMessage(
        {
          subject: { kind: values.kind, id: values.subjectId.trim() },
          scheme: values.scheme,
          certificateNumber: values.certificateNumber.trim(),
          issuedAt: from.format("YYYY-MM-DD"),
          validFrom: from.format("YYYY-MM-DD"),
          validUntil: until.format("YYYY-MM-DD"),
        },
        signer.address,
        hexlify(randomBytes(32)),
      );
      const signature = await signer.signTypedData(
        domain,
        types,
        signedMessage as unknown as Record<string, unknown>,
      );
      await api("POST", "/api/certifications", { domain, message: signedMessage, signature });
      message.success(t("certification.signed"));
      form.resetFields(["subjectId", "certificateNumber"]);
      onSigned();
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<h2 className="card-title">{t("certification.draft")}</h2>}>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ kind: "batch", scheme: "organic" }}
      >
        <Form.Item name="kind" label={t("certification.subjectKind")}>
          <Select
            options={[
              { value: "batch", label: t("certification.subject.batch") },
              { value: "producer", label: t("certification.subject.producer") },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="subjectId"
          label={t("certification.subjectId")}
          rules={[{ required: true, pattern: /^[0-9a-f]{24}$/ }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="scheme" label={t("certification.scheme")} rules={[{ required: true }]}>
          <Select
            options={(schemes.data?.items ?? []).map((scheme) => ({
              value: scheme.code,
              label: scheme.name,
            }))}
          />
        </Form.Item>
        <Form.Item name="certificateNumber" label={t("certification.number")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="validity" label={t("certification.validity")} rules={[{ required: true }]}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!signer}>
          {t("certification.sign")}
        </Button>
      </Form>
    </Card>
  );
}
