import { useT, type MessageKey } from "../../i18n/i18n";
import { StateTag, type Tone } from "../../shell/state-tag";

const TONES: Record<string, Tone> = {
  valid: "ok",
  suspended: "warn",
  revoked: "bad",
  not_issued: "bad",
  expired: "bad",
};

/** A certification's live state (from the registry) as a coloured label. */
export function CertificationStateTag({ state }: { state: string }) {
  const t = useT();
  return (
    <StateTag tone={TONES[state] ?? "neutral"}>{t(`certification.state.${state}` as MessageKey)}</StateTag>
  );
}
