import { useState } from "react";
import { App, Button, Form, Input, InputNumber, Select, Space, Switch } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { describeError } from "../../api/api-client";
import { sendOrKeep } from "../../offline/drafts";
import { useSession } from "../../session/session";
import type { Batch } from "../../domain/types";
import { useT } from "../../i18n/i18n";
import { eventTypeName } from "./event-type-name";

const TYPES = [
  "inspecting",
  "storing",
  "packing",
  "shipping",
  "receiving",
  "selling",
  "observation",
  "recalling",
];

interface Values {
  type: string;
  location?: string;
  lab?: string;
  results?: { name: string; value: number; unit?: string; pass: boolean }[];
  note?: string;
}

/**
 * Records one event on the batch's ledger; an inspection carries its lab and results. Without a
 * connection the event is kept on the phone as a draft (with the time it was recorded) and sent
 * when the connection returns.
 */
export function RecordEventForm({ batch, onRecorded }: { batch: Batch; onRecorded(): void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch("type", form);
  const [busy, setBusy] = useState(false);
  const { session } = useSession();

  const submit = async (values: Values) => {
    setBusy(true);
    try {
      const data: Record<string, unknown> = {};
      if (values.lab) data.lab = values.lab;
      if (values.type === "inspecting" && values.results?.length) data.results = values.results;
      if (values.note) data.note = values.note;
      const outcome = await sendOrKeep({
        owner: session.user.id,
        path: `/api/batches/${batch.id}/events`,
        body: {
          type: values.type,
          eventTime: new Date().toISOString(),
          ...(values.location ? { location: { name: values.location } } : {}),
          ...(Object.keys(data).length ? { data } : {}),
        },
        what: { kind: "event", batchId: batch.id, type: values.type },
      });
      form.resetFields();
      if ("sent" in outcome) {
        message.success(t("event.recorded"));
        onRecorded();
      } else message.success(t("drafts.kept")); // listed under the events until it is sent
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ type: "inspecting" }}>
      <Form.Item name="type" label={t("event.type")} rules={[{ required: true }]}>
        <Select options={TYPES.map((value) => ({ value, label: eventTypeName(t, value) }))} />
      </Form.Item>
      <Form.Item name="location" label={t("event.location")}>
        <Input />
      </Form.Item>
      {type === "inspecting" && (
        <>
          <Form.Item name="lab" label={t("event.lab")}>
            <Input />
          </Form.Item>
          <Form.List name="results">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item
                      name={[field.name, "name"]}
                      label={t("event.resultName")}
                      rules={[{ required: true }]}
                    >
                      <Input />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, "value"]}
                      label={t("event.resultValue")}
                      rules={[{ required: true }]}
                    >
                      <InputNumber />
                    </Form.Item>
                    <Form.Item name={[field.name, "unit"]} label={t("event.resultUnit")}>
                      <Input style={{ width: 90 }} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, "pass"]}
                      label={t("event.resultPass")}
                      valuePropName="checked"
                      initialValue={true}
                    >
                      <Switch />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t("common.remove")} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
                  {t("event.addResult")}
                </Button>
              </>
            )}
          </Form.List>
        </>
      )}
      <Form.Item name="note" label={t("event.note")}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t("event.submit")}
      </Button>
    </Form>
  );
}
