import { useState } from "react";
import { Alert, App, Button, List, Progress, Space, Typography } from "antd";
import { ApiError, describeError, upload, api } from "../../api/api-client";
import { useT } from "../../i18n/i18n";

interface RowError {
  row: number;
  column?: string;
  problem: string;
}

interface ImportState {
  importId?: string;
  state?: string;
  rows?: number;
  written?: number;
  valid?: boolean;
  batches?: number;
  events?: number;
  errors?: RowError[];
}

/**
 * Spreadsheet import (docs/import-format.md): a dry run lists every row's problems and stores
 * nothing; the import itself runs in the background and its progress is polled.
 */
export function ImportPage() {
  const t = useT();
  const { message } = App.useApp();
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<ImportState>();
  const [progress, setProgress] = useState<ImportState>();
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    try {
      const query = `?name=${encodeURIComponent(file.name)}${dryRun ? "&dryRun=true" : ""}`;
      const answer = await upload<ImportState>(`/api/imports${query}`, file);
      if (dryRun) setReport(answer);
      else await follow(answer);
    } catch (failure) {
      const errors = (failure as ApiError).details as { errors?: RowError[] } | undefined;
      if (failure instanceof ApiError && errors?.errors) setReport({ valid: false, errors: errors.errors });
      else message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const follow = async (started: ImportState) => {
    let state = started;
    setProgress(state);
    while (state.importId && state.state !== "done" && state.state !== "failed") {
      await new Promise((resolve) => setTimeout(resolve, 500));
      state = await api<ImportState>("GET", `/api/imports/${state.importId}`);
      setProgress(state);
    }
    if (state.state === "done" || state.written !== undefined) message.success(t("import.done"));
  };

  const percent = progress?.rows ? Math.round(((progress.written ?? 0) / progress.rows) * 100) : 0;

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t("nav.imports")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("import.intro")}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: "100%" }}>
        <label>
          {t("import.file")}{" "}
          <input
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(event) => {
              setFile(event.target.files?.[0]);
              setReport(undefined);
              setProgress(undefined);
            }}
          />
        </label>
        <Space wrap>
          <Button onClick={() => send(true)} disabled={!file} loading={busy}>
            {t("import.dryRun")}
          </Button>
          <Button
            type="primary"
            onClick={() => send(false)}
            disabled={!file || !report?.valid}
            loading={busy}
          >
            {t("import.run")}
          </Button>
        </Space>
        {report?.valid && (
          <Alert
            type="success"
            title={t("import.valid", {
              rows: report.rows ?? 0,
              batches: report.batches ?? 0,
              events: report.events ?? 0,
            })}
          />
        )}
        {report?.errors && report.errors.length > 0 && (
          <List<RowError>
            size="small"
            bordered
            header={t("import.problems", { count: report.errors.length })}
            dataSource={report.errors}
            renderItem={(error) => (
              <List.Item>
                {t("import.rowProblem", {
                  row: error.row,
                  column: error.column ?? "",
                  problem: error.problem,
                })}
              </List.Item>
            )}
          />
        )}
        {progress && (
          <Progress percent={progress.state === "done" ? 100 : percent} aria-label={t("import.progress")} />
        )}
      </Space>
    </>
  );
}
