import { useContext } from "react";
import { Alert, List, Space, Typography } from "antd";
import outline from "../../../../server/modules/consumer/web/china-outline.json";
import { useApi } from "../../api/use-api";
import { LanguageContext, useT } from "../../i18n/i18n";
import { scansByProvince, shadeOf, type RegionCount } from "./copies-shading";

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
  const provinceScans = scansByProvince(items);
  const most = Math.max(0, ...provinceScans.values());
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
          const scans = provinceScans.get(province.code) ?? 0;
          return (
            <path
              key={province.code}
              d={province.d}
              fill={shadeOf(scans, most)}
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
