import { useContext, useEffect, useState } from "react";
import { Select } from "antd";
import { api } from "../../api/api-client";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";

interface DirectoryEntry {
  id: string;
  name: string;
  roles: string[];
}

/**
 * Picks the organization a transfer goes to by typing part of its name: the recipient directory
 * (`GET /api/organizations/directory`) answers organizations that accept transfers, with their
 * custody roles, never the caller itself. The form receives the organization id.
 */
export function RecipientPicker({
  id,
  value,
  onChange,
}: {
  id?: string;
  value?: string;
  onChange?(value: string | undefined): void;
}) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const [query, setQuery] = useState("");
  const [entries, setEntries] = useState<DirectoryEntry[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let current = true;
    // A short pause between keystrokes: one request per word typed, not per character.
    const timer = setTimeout(() => {
      setLoading(true);
      const q = query.trim() ? `&q=${encodeURIComponent(query.trim())}` : "";
      api<{ items: DirectoryEntry[] }>("GET", `/api/organizations/directory?limit=20${q}`)
        .then((answer) => current && setEntries(answer.items))
        .catch(() => current && setEntries([]))
        .finally(() => current && setLoading(false));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);

  const describe = (entry: DirectoryEntry) => {
    const roles = entry.roles.map((role) => t(`role.${role}` as MessageKey));
    return language === "zh" ? `${entry.name}（${roles.join("、")}）` : `${entry.name} (${roles.join(", ")})`;
  };
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      loading={loading}
      notFoundContent={loading ? null : t("transfer.toNone")}
      options={entries.map((entry) => ({
        value: entry.id,
        label: describe(entry),
      }))}
    />
  );
}
