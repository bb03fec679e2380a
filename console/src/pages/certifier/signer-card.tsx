import { useState } from "react";
import { Alert, Button, Card, Input, Space, Typography } from "antd";
import { describeError } from "../../api/api-client";
import { useT } from "../../i18n/i18n";
import {
  connectInjected,
  injectedWallet,
  openKeystore,
  type CertifierSigner,
} from "../../signing/certifier-signer";

/** Opens the certifier's key in this page: a keystore file with its password, or an injected wallet. */
export function SignerCard({
  signer,
  expectedAddress,
  onSigner,
}: {
  signer: CertifierSigner | undefined;
  expectedAddress: string | undefined;
  onSigner(signer: CertifierSigner): void;
}) {
  const t = useT();
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ethereum = injectedWallet();

  const open = async (opening: () => Promise<CertifierSigner>) => {
    setBusy(true);
    setError(undefined);
    try {
      onSigner(await opening());
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const title = <h2 className="card-title">{t("signer.title")}</h2>;
  if (signer) {
    const mismatch = expectedAddress && signer.address !== expectedAddress.toLowerCase();
    return (
      <Card title={title}>
        <Typography.Paragraph>
          {t("signer.ready")} <Typography.Text code>{signer.address}</Typography.Text>
        </Typography.Paragraph>
        {mismatch && <Alert type="warning" title={t("signer.mismatch", { address: expectedAddress })} />}
      </Card>
    );
  }
  return (
    <Card title={title}>
      <Typography.Paragraph type="secondary">{t("signer.intro")}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: "100%" }}>
        <label>
          {t("signer.keystore")}{" "}
          <input
            type="file"
            accept=".json,application/json"
            onChange={(event) => setFile(event.target.files?.[0])}
          />
        </label>
        <label htmlFor="keystore-password">{t("signer.password")}</label>
        <Input.Password
          id="keystore-password"
          autoComplete="off"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Space wrap>
          <Button
            type="primary"
            disabled={!file || !password}
            loading={busy}
            onClick={() => open(async () => openKeystore(await file!.text(), password))}
          >
            {t("signer.open")}
          </Button>
          {ethereum && (
            <Button loading={busy} onClick={() => open(() => connectInjected(ethereum))}>
              {t("signer.injected")}
            </Button>
          )}
        </Space>
        {error && <Alert type="error" title={error} />}
      </Space>
    </Card>
  );
}
