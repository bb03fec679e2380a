import { useState } from "react";
import { App, Button, Form, InputNumber } from "antd";
import { api, describeError } from "../../api/api-client";
import type { Batch } from "../../domain/types";
import { unitName } from "../../domain/units";
import { useT } from "../../i18n/i18n";
import { useContext } from "react";
import { LanguageContext } from "../../i18n/i18n";
import { RecipientPicker } from "./recipient-picker";

/** Offers the batch (or part of it) to another organization, which accepts or rejects it in its inbox. */
export function OfferTransferForm({ batch, onOffered }: { batch: Batch; onOffered(): void }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ to: string; value?: number }>();

  const submit = async (values: { to: string; value?: number }) => {
    setBusy(true);
    try {
      await api("POST", `/api/batches/${batch.id}/transfers`, {
        to: values.to,
        ...(values.value ? { quantity: { value: values.value, unit: batch.quantity.unit } } : {}),
      });
      message.success(t("transfer.offered"));
      form.resetFields();
      onOffered();
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit}>
      <Form.Item
        name="to"
        label={t("transfer.to")}
        extra={t("transfer.toHelp")}
        rules={[{ required: true, message: t("transfer.toRule") }]}
      >
        <RecipientPicker />
      </Form.Item>
      <Form.Item name="value" label={t("transfer.quantity")} extra={t("transfer.quantityHelp")}>
        <InputNumber
          min={0}
          max={batch.available.value}
          addonAfter={unitName(batch.quantity.unit, language)}
        />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        {t("transfer.submit")}
      </Button>
    </Form>
  );
}
