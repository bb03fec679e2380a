import { useContext, useState } from "react";
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Typography,
} from "antd";
import type { Dayjs } from "dayjs";
import { describeError } from "../../api/api-client";
import { sendOrKeep } from "../../offline/drafts";
import { useSession } from "../../session/session";
import { isInProvince, provinceOutline } from "../../domain/province-outline";
import { PinMap } from "./pin-map";
import { UNITS } from "../../domain/units";
import { CATEGORIES, LOT_PATTERN } from "../../domain/product-fields";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";
import { navigate } from "../../shell/router";
import { RegionPicker, type PickedRegion } from "./region-picker";

interface Values {
  name: string;
  category: string;
  gtin?: string;
  lot?: string;
  region: PickedRegion;
  place?: string;
  lat?: number;
  lon?: number;
  harvestedAt: Dayjs;
  value: number;
  unit: string;
}

/**
 * Registers a harvest: product, origin (region picker down to township; position from GPS, a pin
 * on the province's map or typed, checked against the province), quantity in Chinese units.
 * Without a connection the harvest is kept as a draft and sent when the connection returns.
 */
export function RegisterBatchPage() {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [gpsProblem, setGpsProblem] = useState<string>();
  const { session } = useSession();
  const region = Form.useWatch("region", form);
  const lat = Form.useWatch("lat", form);
  const lon = Form.useWatch("lon", form);
  const province = provinceOutline(region?.regionCode);
  const point = typeof lat === "number" && typeof lon === "number" ? { lat, lon } : undefined;

  const locate = () => {
    setGpsProblem(undefined);
    if (!navigator.geolocation) return setGpsProblem(t("register.gpsUnavailable"));
    navigator.geolocation.getCurrentPosition(
      (position) =>
        setPoint({
          lat: Number(position.coords.latitude.toFixed(6)),
          lon: Number(position.coords.longitude.toFixed(6)),
        }),
      (failure) => setGpsProblem(`${t("register.gpsUnavailable")} (${failure.message})`),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  const setPoint = (picked: { lat: number; lon: number }) => {
    form.setFieldsValue(picked);
    void form.validateFields(["lon"]);
  };

  const submit = async (values: Values) => {
    setBusy(true);
    try {
      const place = values.place?.trim() || values.region.names.slice(2).join("");
      const body = {
        product: {
          name: values.name.trim(),
          category: values.category,
          ...(values.gtin ? { gtin: values.gtin } : {}),
        },
        ...(values.lot ? { lot: values.lot.trim() } : {}),
        origin: {
          place,
          regionCode: values.region.regionCode,
          ...(values.lat !== undefined && values.lon !== undefined
            ? { location: { lat: values.lat, lon: values.lon } }
            : {}),
          harvestedAt: values.harvestedAt.format("YYYY-MM-DD"),
        },
        quantity: { value: values.value, unit: values.unit },
      };
      const outcome = await sendOrKeep<{ id: string }>({
        owner: session.user.id,
        path: "/api/batches",
        body,
        what: { kind: "harvest", name: `${body.product.name}${values.lot ? ` · ${values.lot.trim()}` : ""}` },
      });
      if ("sent" in outcome) {
        message.success(t("register.done"));
        navigate(`/batches/${outcome.sent.id}`);
      } else {
        message.success(t("drafts.kept"));
        navigate("/batches");
      }
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t("nav.register")}
      </Typography.Title>
      <Card>
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ unit: "KGM", category: "tea" }}
        >
          <Form.Item name="name" label={t("register.product")} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="category" label={t("register.category")} rules={[{ required: true }]}>
            <Select
              options={CATEGORIES.map((value) => ({ value, label: t(`category.${value}` as MessageKey) }))}
            />
          </Form.Item>
          <Space wrap>
            <Form.Item
              name="lot"
              label={t("register.lot")}
              rules={[{ pattern: LOT_PATTERN, message: t("register.lotRule") }]}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="gtin"
              label="GTIN"
              rules={[{ pattern: /^\d{8,14}$/, message: t("register.gtinRule") }]}
            >
              <Input inputMode="numeric" />
            </Form.Item>
          </Space>
          <Form.Item
            name="region"
            label={t("register.region")}
            rules={[{ required: true, message: t("register.regionRule") }]}
          >
            <RegionPicker placeholder={t("register.regionPlaceholder")} />
          </Form.Item>
          <Form.Item name="place" label={t("register.place")} extra={t("register.placeHelp")}>
            <Input />
          </Form.Item>
          <Space wrap align="end">
            <Form.Item name="lat" label={t("register.lat")}>
              <InputNumber min={-90} max={90} step={0.000001} />
            </Form.Item>
            <Form.Item
              name="lon"
              label={t("register.lon")}
              dependencies={["lat", "region"]}
              rules={[
                {
                  validator: async (_rule, value: number | undefined) => {
                    const latitude = form.getFieldValue("lat") as number | undefined;
                    const picked = provinceOutline(form.getFieldValue("region")?.regionCode);
                    if (typeof value !== "number" || typeof latitude !== "number" || !picked) return;
                    if (!isInProvince(picked, { lat: latitude, lon: value }))
                      throw new Error(t("location.outsideRegion", { province: picked.name }));
                  },
                },
              ]}
            >
              <InputNumber min={-180} max={180} step={0.000001} />
            </Form.Item>
            <Form.Item>
              <Button onClick={locate}>{t("register.useGps")}</Button>
            </Form.Item>
          </Space>
          {gpsProblem && <Alert type="warning" title={gpsProblem} style={{ marginBottom: 16 }} />}
          {province ? (
            <>
              <Typography.Paragraph>{t("location.pickOnMap")}</Typography.Paragraph>
              <PinMap province={province} point={point} onPick={setPoint} />
            </>
          ) : (
            <Typography.Paragraph type="secondary">{t("location.pickRegionFirst")}</Typography.Paragraph>
          )}
          <Form.Item name="harvestedAt" label={t("register.harvestedAt")} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Space wrap>
            <Form.Item name="value" label={t("register.quantity")} rules={[{ required: true }]}>
              <InputNumber min={0} inputMode="decimal" />
            </Form.Item>
            <Form.Item name="unit" label={t("register.unit")}>
              <Select
                style={{ width: 110 }}
                options={UNITS.map((unit) => ({ value: unit.code, label: unit[language] }))}
              />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t("register.submit")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
