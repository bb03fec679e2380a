import { useContext } from "react";
import { Alert, List, Space, Typography } from "antd";
import outline from "../../../../server/modules/consumer/web/china-outline.json";
import { useApi } from "../../api/use-api";
import { LanguageContext, useT } from "../../i18n/i18n";

/** One region of GET /api/brands/:id/suspected-copies/regions. */
interface RegionCount {
  /** GB/T 2260 code; its first two digits name the province. */
  code: string;
  name: string;
  nameEn: string;
  serials: number;
  scans: number;
}

/** Light to dark red: more scans of suspected copies, darker. Five steps read better than a gradient. */
const SHADES = ["#fde0dd", "#fcbba1", "#fc9272", "#ef3b2c", "#a50f15"];
const NO_SCANS = "#eef2ee";

/**
 * Where suspected copies of the brand's items were scanned: China's provinces shaded by scans, from
 * the outline the consumer pages draw (bundled SVG paths, no tiles, nothing fetched), with the same
 * figures as a list for readers who cannot see the map.
 */
export function SuspectedCopiesMap({ brandId }: { brandId: string }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const regions = useApi<{ items: RegionCount[] }>(`/api/brands/${brandId}/suspected-copies/regions`);
  const items = [...(regions.data?.items ?? [])].sort((a, b) => b.scans - a.scans);
  const scansByProvince = new Map<string, number>();
  for (const item of items) {
    const province = item.code.slice(0, 2);
    scansByProvince.set(province, (scansByProvince.get(province) ?? 0) + item.scans);
  }
  const most = Math.max(0, ...scansByProvince.values());
  const shade = (scans: number) =>
    scans > 0 ? SHADES[Math.min(SHADES.length - 1, Math.floor((scans / most) * SHADES.length))] : NO_SCANS;
  const label = (item: RegionCount) => (language === "en" ? item.nameEn : item.name);

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {regions.error && <Alert type="error" title={regions.error} />}
      <svg
        className="copies-map"
        viewBox={`0 0 ${outline.frame.width} ${outline.frame.height}`}
        role="img"
        aria-label={t("copies.mapLabel", { count: items.length })}
      >
        {outline.provinces.map((province) => {
          const scans = scansByProvince.get(province.code) ?? 0;
          return (
            <path
              key={province.code}
              d={province.d}
              fill={shade(scans)}
              stroke="#7a8a7a"
              strokeWidth={0.5}
              data-province={province.code}
              data-scans={scans}
            >
              <title>{`${province.name}: ${t("copies.scans", { scans })}`}</title>
            </path>
          );
        })}
      </svg>
      <List
        size="small"
        dataSource={items}
        locale={{ emptyText: <span className="empty-text">{t("copies.none")}</span> }}
        renderItem={(item) => (
          <List.Item>
            <Typography.Text strong>{label(item)}</Typography.Text>
            <span>{t("copies.counts", { serials: item.serials, scans: item.scans })}</span>
          </List.Item>
        )}
      />
    </Space>
  );
}
