import { useContext } from "react";
import { Alert, Card, Space, Typography } from "antd";
import { useApi } from "../../api/use-api";
import { LanguageContext, useT } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import { AnomalyList, type BrandReport } from "./anomaly-list";
import { LicenceList, type Licence } from "./licence-list";
import { SuspectedCopiesMap } from "./suspected-copies-map";

interface Brand {
  id: string;
  name: { zh: string; en?: string };
}

/**
 * The brand owner's brands: licences with quota used and remaining, status changes with a reason,
 * the brand report's anomalies with the batches behind them, and where suspected copies were scanned.
 */
export function BrandsPage() {
  const t = useT();
  const { session } = useSession();
  const brands = useApi<{ items: Brand[] }>(`/api/brands?owner=${session.organization.id}`);
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.brands")}
      </Typography.Title>
      {brands.error && <Alert type="error" title={brands.error} />}
      {(brands.data?.items ?? []).map((brand) => (
        <BrandCard key={brand.id} brand={brand} />
      ))}
    </Space>
  );
}

function BrandCard({ brand }: { brand: Brand }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const licences = useApi<{ items: Licence[] }>(`/api/brands/${brand.id}/licences`);
  const report = useApi<BrandReport>(`/api/brands/${brand.id}/report?batches=true`);
  const producerNames = new Map(
    (report.data?.licences ?? []).flatMap((licence) =>
      licence.producer.name ? [[licence.producer.id, licence.producer.name] as const] : [],
    ),
  );
  const reload = () => {
    licences.reload();
    report.reload();
  };

  return (
    <Card title={<h2 className="card-title">{(language === "en" && brand.name.en) || brand.name.zh}</h2>}>
      <Typography.Title level={3} className="section-title">
        {t("licence.title")}
      </Typography.Title>
      {licences.error && <Alert type="error" title={licences.error} />}
      <LicenceList licences={licences.data?.items ?? []} producerNames={producerNames} onChanged={reload} />
      <Typography.Title level={3} className="section-title">
        {t("anomaly.title")}
      </Typography.Title>
      {report.error && <Alert type="error" title={report.error} />}
      <AnomalyList report={report.data} />
      <Typography.Title level={3} className="section-title">
        {t("copies.title")}
      </Typography.Title>
      <SuspectedCopiesMap brandId={brand.id} />
    </Card>
  );
}
