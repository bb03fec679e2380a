import { useContext } from "react";
import { Button, List } from "antd";
import { discardDraft, type Draft } from "../../offline/drafts";
import { StateTag } from "../../shell/state-tag";
import { LanguageContext, useT } from "../../i18n/i18n";
import { eventTypeName } from "./event-type-name";

/** Drafts not sent yet ("待发送"), or refused by the API with its reason and a way to drop them. */
export function DraftsList({ drafts }: { drafts: Draft[] }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  if (drafts.length === 0) return null;
  return (
    <List
      aria-label={t("drafts.title")}
      dataSource={drafts}
      renderItem={(draft) => (
        <List.Item
          data-testid="draft"
          actions={
            draft.problem
              ? [
                  <Button key="discard" size="small" onClick={() => discardDraft(draft.key)}>
                    {t("drafts.discard")}
                  </Button>,
                ]
              : []
          }
        >
          <List.Item.Meta
            title={
              draft.what.kind === "event"
                ? t("drafts.event", { type: eventTypeName(t, draft.what.type) })
                : t("drafts.harvest", { name: draft.what.name })
            }
            description={
              <>
                {draft.problem ? (
                  <StateTag tone="bad">{t("drafts.refused")}</StateTag>
                ) : (
                  <StateTag tone="warn">{t("drafts.pending")}</StateTag>
                )}{" "}
                {new Date(draft.createdAt).toLocaleString(language === "zh" ? "zh-CN" : "en")}
                {draft.problem && <div className="draft-problem">{draft.problem}</div>}
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}
