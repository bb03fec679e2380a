import { Segmented } from "antd";
import { useContext } from "react";
import { LanguageContext, type Language } from "../i18n/i18n";

export function LanguageSwitch() {
  const { language, setLanguage } = useContext(LanguageContext);
  return (
    <Segmented<Language>
      size="small"
      aria-label="语言 / Language"
      value={language}
      onChange={setLanguage}
      options={[
        { label: "中文", value: "zh" },
        { label: "EN", value: "en" },
      ]}
    />
  );
}
