import { useContext, useState } from "react";
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import type { Batch, Page } from "../../domain/types";
import { CATEGORIES, LOT_PATTERN } from "../../domain/product-fields";
import { formatQuantity, UNITS, unitName } from "../../domain/units";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import { navigate } from "../../shell/router";

interface Values {
  inputs: { batchId: string; value: number }[];
  outputs: { name: string; category: string; lot?: string; value: number; unit: string }[];
  note?: string;
}

/**
 * Processing or merging (`POST /api/transformations`): quantities taken from batches the
 * organization holds become new output batches linked to them, so each output's consumer page
 * traces back to every input's harvest. Outputs keep the first input's origin.
 */
export function TransformationPage() {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message } = App.useApp();
  const { session } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const batches = useApi<Page<Batch>>("/api/batches?limit=500");
  const held = (batches.data?.items ?? []).filter(
    (batch) =>
      batch.holderId === session.organization.id &&
      batch.status === "active" &&
      !batch.pendingTransferId &&
      batch.available.value > 0,
  );
  const byId = new Map(held.map((batch) => [batch.id, batch]));
  const chosen = Form.useWatch("inputs", form) ?? [];

  const submit = async (values: Values) => {
    setBusy(true);
    try {
      const created = await api<{ outputs: { id: string }[] }>("POST", "/api/transformations", {
        inputs: values.inputs.map((input) => ({
          batchId: input.batchId,
          quantity: { value: input.value, unit: byId.get(input.batchId)!.available.unit },
        })),
        outputs: values.outputs.map((output) => ({
          product: { name: output.name.trim(), category: output.category },
          ...(output.lot ? { lot: output.lot.trim() } : {}),
          quantity: { value: output.value, unit: output.unit },
        })),
        ...(values.note?.trim() ? { data: { note: values.note.trim() } } : {}),
      });
      message.success(t("transform.done", { count: created.outputs.length }));
      navigate(`/batches/${created.outputs[0].id}`);
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const inputCard = (
    <Card title={<h2 className="card-title">{t("transform.inputs")}</h2>}>
      <Form.List name="inputs">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => {
              const batch = byId.get(chosen[field.name]?.batchId);
              return (
                <Space key={field.key} align="baseline" wrap className="form-row">
                  <Form.Item
                    name={[field.name, "batchId"]}
                    label={t("transform.inputBatch")}
                    rules={[{ required: true, message: t("transform.inputBatchRule") }]}
                  >
                    <Select
                      style={{ minWidth: 240 }}
                      options={held.map((candidate) => ({
                        value: candidate.id,
                        label: `${candidate.product.name} · ${candidate.lot ?? ""}（${formatQuantity(candidate.available, language)}）`,
                      }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "value"]}
                    label={t("transform.inputQuantity")}
                    rules={[{ required: true }]}
                  >
                    <InputNumber
                      min={0}
                      max={batch?.available.value}
                      inputMode="decimal"
                      suffix={batch ? unitName(batch.available.unit, language) : undefined}
                    />
                  </Form.Item>
                  {fields.length > 1 && (
                    <MinusCircleOutlined aria-label={t("common.remove")} onClick={() => remove(field.name)} />
                  )}
                </Space>
              );
            })}
            <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
              {t("transform.addInput")}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );

  const outputCard = (
    <Card title={<h2 className="card-title">{t("transform.outputs")}</h2>}>
      <Form.List name="outputs">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Space key={field.key} align="baseline" wrap className="form-row">
                <Form.Item
                  name={[field.name, "name"]}
                  label={t("transform.outputProduct")}
                  rules={[{ required: true }]}
                >
                  <Input />
                </Form.Item>
                <Form.Item name={[field.name, "category"]} label={t("register.category")} initialValue="tea">
                  <Select
                    style={{ width: 110 }}
                    options={CATEGORIES.map((value) => ({
                      value,
                      label: t(`category.${value}` as MessageKey),
                    }))}
                  />
                </Form.Item>
                <Form.Item
                  name={[field.name, "lot"]}
                  label={t("transform.outputLot")}
                  rules={[{ pattern: LOT_PATTERN, message: t("register.lotRule") }]}
                >
                  <Input />
                </Form.Item>
                <Form.Item
                  name={[field.name, "value"]}
                  label={t("transform.outputQuantity")}
                  rules={[{ required: true }]}
                >
                  <InputNumber min={0} inputMode="decimal" />
                </Form.Item>
                <Form.Item name={[field.name, "unit"]} label={t("register.unit")} initialValue="KGM">
                  <Select
                    style={{ width: 90 }}
                    options={UNITS.map((unit) => ({ value: unit.code, label: unit[language] }))}
                  />
                </Form.Item>
                {fields.length > 1 && (
                  <MinusCircleOutlined aria-label={t("common.remove")} onClick={() => remove(field.name)} />
                )}
              </Space>
            ))}
            <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
              {t("transform.addOutput")}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t("nav.transform")}
      </Typography.Title>
      {batches.error && <Alert type="error" title={batches.error} />}
      {batches.data && held.length === 0 && (
        <Alert type="info" title={t("transform.nothingHeld")} style={{ marginBottom: 12 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ inputs: [{}], outputs: [{ category: "tea", unit: "KGM" }] }}
      >
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {inputCard}
          {outputCard}
          <Form.Item name="note" label={t("transform.note")}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t("transform.submit")}
          </Button>
        </Space>
      </Form>
    </>
  );
}
