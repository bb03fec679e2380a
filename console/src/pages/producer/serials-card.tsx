import { useState } from "react";
import { App, Button, Card, Form, InputNumber, Space } from "antd";
import { api, describeError } from "../../api/api-client";
import type { Batch } from "../../domain/types";
import { useT } from "../../i18n/i18n";

/** Issues item serials (one QR code per package) and opens the printable label sheet (PDF). */
export function SerialsCard({ batch }: { batch: Batch }) {
  const t = useT();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<number>();

  const submit = async (values: { count: number; itemValue?: number }) => {
    setBusy(true);
    try {
      const answer = await api<{ serials?: unknown[]; count?: number }>(
        "POST",
        `/api/batches/${batch.id}/serials`,
        {
          count: values.count,
          ...(values.itemValue
            ? { itemQuantity: { value: values.itemValue, unit: batch.quantity.unit } }
            : {}),
        },
      );
      setIssued(answer.count);
      message.success(t("serials.issued"));
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const title = <h2 className="card-title">{t("serials.title")}</h2>;
  // Item serials extend the batch's GTIN (GS1 AI 01 + 21): without one there is nothing to serialise.
  if (!batch.product.gtin) return <Card title={title}>{t("serials.needGtin")}</Card>;
  return (
    <Card title={title}>
      <Form layout="inline" onFinish={submit} initialValues={{ count: 10 }}>
        <Form.Item name="count" label={t("serials.count")} rules={[{ required: true }]}>
          <InputNumber min={1} max={10000} />
        </Form.Item>
        <Form.Item name="itemValue" label={t("serials.itemQuantity")}>
          <InputNumber min={0} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t("serials.submit")}
        </Button>
      </Form>
      <Space style={{ marginTop: 12 }}>
        {issued !== undefined && <span>{t("serials.done", { count: issued })}</span>}
        <a href={`/api/batches/${batch.id}/labels.pdf`} target="_blank" rel="noreferrer">
          {t("serials.print")}
        </a>
      </Space>
    </Card>
  );
}
