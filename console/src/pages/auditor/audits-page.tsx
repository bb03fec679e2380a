import { Typography } from "antd";
import { useT } from "../../i18n/i18n";

export function AuditsPage() {
  const t = useT();
  return (
    <Typography.Title level={1} className="page-title">
      {t("nav.audits")}
    </Typography.Title>
  );
}
