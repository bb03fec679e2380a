import { useState } from "react";
import dayjs from "dayjs";
import { Alert, Button, Card, Form, List, Space, Typography } from "antd";
import { useApi } from "../../api/use-api";
import { useT } from "../../i18n/i18n";
import { RegionPicker, type PickedRegion } from "../producer/region-picker";
import { ConsoleLink } from "./console-link";

interface Overview {
  regionCode: string | null;
  name: string | null;
  totals: { recalls: number; revocations: number };
  groups: { regionCode: string; name: string | null; recalls: number; revocations: number }[];
  recalls: {
    batchId: string;
    digitalLink: string;
    product: { name: string };
    lot?: string;
    regionCode: string;
    regionName: string | null;
    place: string;
    producer: { id: string; name: string | null };
    recalledAt: string | null;
    reason: string | null;
  }[];
  revocations: {
    certificationId: string;
    certificateNumber: string;
    scheme: string;
    certifierName: string | null;
    regionCodes: string[];
    revokedAt: string | null;
    reason: string | null;
  }[];
}

const day = (iso: string | null) => (iso ? dayjs(iso).format("YYYY-MM-DD") : "");

/**
 * For regulators: recalls and revocations in a GB/T 2260 region (the whole country by default),
 * counted per division one level down (a division opens its own overview) and listed.
 */
export function RegionalOverviewPage() {
  const t = useT();
  const [picked, setPicked] = useState<PickedRegion>();
  const [regionCode, setRegionCode] = useState<string>();
  const overview = useApi<Overview>(`/api/regional-overview${regionCode ? `?regionCode=${regionCode}` : ""}`);
  const data = overview.data;

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.regions")}
      </Typography.Title>
      <Card>
        <Form layout="vertical" onFinish={() => setRegionCode(picked?.regionCode)}>
          <Form.Item label={t("regions.pick")} htmlFor="overview-region">
            <RegionPicker id="overview-region" anyLevel onChange={setPicked} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t("regions.show")}
          </Button>
        </Form>
      </Card>
      {overview.error && <Alert type="error" title={overview.error} />}
      {data && (
        <Card
          title={<h2 className="card-title">{data.name ?? data.regionCode ?? t("regions.country")}</h2>}
          extra={
            regionCode && (
              <Button type="link" onClick={() => setRegionCode(undefined)}>
                {t("regions.country")}
              </Button>
            )
          }
        >
          <Typography.Text strong>{t("regions.totals", data.totals)}</Typography.Text>
          <Typography.Title level={3} className="section-title">
            {t("regions.groups")}
          </Typography.Title>
          <List
            dataSource={data.groups}
            renderItem={(group) => {
              const name = group.name ?? group.regionCode;
              return (
                <List.Item
                  actions={
                    group.regionCode !== data.regionCode && group.regionCode.length < 6
                      ? [
                          <Button key="open" type="link" onClick={() => setRegionCode(group.regionCode)}>
                            {t("regions.drill", { name })}
                          </Button>,
                        ]
                      : []
                  }
                >
                  {t("regions.group", { name, recalls: group.recalls, revocations: group.revocations })}
                </List.Item>
              );
            }}
          />
        </Card>
      )}
      {data && (
        <>
          <Typography.Title level={2} className="section-title">
            {t("regions.recalls")}
          </Typography.Title>
          <List
            dataSource={data.recalls}
            locale={{ emptyText: <span className="empty-text">{t("regions.noRecalls")}</span> }}
            renderItem={(recall) => (
              <List.Item
                actions={[
                  <ConsoleLink key="batch" to={`/batches/${recall.batchId}`}>
                    {t("regions.openBatch")}
                  </ConsoleLink>,
                  <a key="consumer" href={recall.digitalLink} target="_blank" rel="noreferrer">
                    {t("certified.consumerPage")}
                  </a>,
                ]}
              >
                <List.Item.Meta
                  title={`${recall.product.name} · ${recall.lot ?? ""}`}
                  description={
                    <Space wrap size={4}>
                      <span>{recall.regionName ?? recall.regionCode}</span>
                      <span>{recall.place}</span>
                      <span>{recall.producer.name ?? recall.producer.id}</span>
                      <span>{day(recall.recalledAt)}</span>
                      {recall.reason && <span>{t("regions.reason", { reason: recall.reason })}</span>}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
          <Typography.Title level={2} className="section-title">
            {t("regions.revocations")}
          </Typography.Title>
          <List
            dataSource={data.revocations}
            locale={{ emptyText: <span className="empty-text">{t("regions.noRevocations")}</span> }}
            renderItem={(revocation) => (
              <List.Item
                actions={[
                  <a
                    key="certification"
                    href={`/api/certifications/${revocation.certificationId}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {t("regions.certification")}
                  </a>,
                ]}
              >
                <List.Item.Meta
                  title={`${revocation.certificateNumber} · ${revocation.scheme}`}
                  description={
                    <Space wrap size={4}>
                      <span>{revocation.certifierName ?? ""}</span>
                      <span>{revocation.regionCodes.join(", ") || t("regions.unplaced")}</span>
                      <span>{day(revocation.revokedAt)}</span>
                      {revocation.reason && <span>{t("regions.reason", { reason: revocation.reason })}</span>}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        </>
      )}
    </Space>
  );
}
