import type { MessageKey, useT } from "../../i18n/i18n";

/**
 * An event type in the reader's language ("inspecting" → 检验); the type itself when it has no name.
 * Its own file: the batch list shows drafts by type without loading the batch screen's chunk.
 */
export function eventTypeName(t: ReturnType<typeof useT>, type: string): string {
  const key = `eventType.${type}` as MessageKey;
  const name = t(key);
  return name === key ? type : name;
}
