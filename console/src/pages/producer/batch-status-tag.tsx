import { Tag } from "antd";
import { useT, type MessageKey } from "../../i18n/i18n";

const COLOURS: Record<string, string> = {
  active: "green",
  recalled: "red",
  consumed: "default",
  destroyed: "red",
};

export function BatchStatusTag({ status }: { status: string }) {
  const t = useT();
  const key = `status.${status}` as MessageKey;
  const label = t(key);
  return <Tag color={COLOURS[status] ?? "blue"}>{label === key ? status : label}</Tag>;
}
