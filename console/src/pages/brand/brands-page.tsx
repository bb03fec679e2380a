import { Typography } from "antd";
import { useT } from "../../i18n/i18n";

export function BrandsPage() {
  const t = useT();
  return (
    <Typography.Title level={1} className="page-title">
      {t("nav.brands")}
    </Typography.Title>
  );
}
