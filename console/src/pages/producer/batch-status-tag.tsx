import { StateTag, type Tone } from "../../shell/state-tag";
import { useT, type MessageKey } from "../../i18n/i18n";

const TONES: Record<string, Tone> = { active: "ok", in_transit: "warn", recalled: "bad", destroyed: "bad" };

export function BatchStatusTag({ status }: { status: string }) {
  const t = useT();
  const key = `status.${status}` as MessageKey;
  const label = t(key);
  return <StateTag tone={TONES[status] ?? "neutral"}>{label === key ? status : label}</StateTag>;
}
