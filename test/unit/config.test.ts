import { expect } from "chai";
import { ConfigError, describeConfig, loadConfig } from "../../server/main/config";

describe("config", () => {
  describe("loadConfig", () => {
    it("runs embedded with documented defaults when nothing is set", () => {
      const config = loadConfig({});
      expect(config.PORT).to.equal(3000);
      expect(config.HOST).to.equal("127.0.0.1");
      expect(config.PUBLIC_BASE_URL).to.equal("http://127.0.0.1:3000");
      expect(config.DATA_DIR).to.match(/\/data$/);
      expect(config.embedded).to.deep.equal({ db: true, chain: true });
    });

    it("derives PUBLIC_BASE_URL from HOST and PORT and strips a trailing slash when given", () => {
      expect(loadConfig({ HOST: "localhost", PORT: "8080" }).PUBLIC_BASE_URL).to.equal(
        "http://localhost:8080",
      );
      expect(loadConfig({ PUBLIC_BASE_URL: "https://trace.example.cn/" }).PUBLIC_BASE_URL).to.equal(
        "https://trace.example.cn",
      );
    });

    it("names every invalid key with its meaning", () => {
      expect(() => loadConfig({ PORT: "eighty", LOG_LEVEL: "loud" }))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/PORT: .*HTTP port/)
        .and.matches(/LOG_LEVEL: /);
    });

    it("reads TRUST_PROXY in express's trust proxy syntax, loopback by default, and refuses a typo", () => {
      expect(loadConfig({}).TRUST_PROXY).to.equal("loopback");
      expect(loadConfig({ TRUST_PROXY: "false" }).TRUST_PROXY).to.equal(false);
      expect(loadConfig({ TRUST_PROXY: "2" }).TRUST_PROXY).to.equal(2);
      expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, loopback" }).TRUST_PROXY).to.equal(
        "10.0.0.0/8, loopback",
      );
      expect(() => loadConfig({ TRUST_PROXY: "load-balancer" }))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/TRUST_PROXY: .*trust proxy/);
    });

    it("reads the time plausibility window with its documented defaults", () => {
      const defaults = loadConfig({});
      expect([
        defaults.EARLIEST_RECORDED_TIME,
        defaults.EVENT_TIME_MAX_FUTURE_DAYS,
        defaults.HARVEST_MAX_FUTURE_DAYS,
      ]).to.deep.equal(["1970-01-01T00:00:00Z", 3, 1]);
      expect(() => loadConfig({ EARLIEST_RECORDED_TIME: "2000-01-01" }))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/EARLIEST_RECORDED_TIME: /);
    });

    it("requires a registry address and a signer when RPC_URL points at a real chain", () => {
      try {
        loadConfig({ RPC_URL: "http://127.0.0.1:8545" });
        expect.fail("loadConfig accepted an incomplete chain configuration");
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).problems).to.deep.equal([
          "REGISTRY_ADDRESS is required when RPC_URL is set",
          "CHAIN_PRIVATE_KEY or CHAIN_KEYSTORE_FILE is required when RPC_URL is set",
        ]);
      }
    });

    it("rejects a malformed private key and registry address", () => {
      expect(() =>
        loadConfig({
          RPC_URL: "http://127.0.0.1:8545",
          CHAIN_PRIVATE_KEY: "0x1234",
          REGISTRY_ADDRESS: "0xabc",
        }),
      )
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/CHAIN_PRIVATE_KEY: must be a 32-byte hex private key/)
        .and.matches(/REGISTRY_ADDRESS: must be a 0x-prefixed 20-byte address/);
    });

    it("treats empty strings as unset", () => {
      expect(loadConfig({ MONGODB_URI: "", RPC_URL: "  " }).embedded).to.deep.equal({
        db: true,
        chain: true,
      });
    });
  });

  describe("describeConfig", () => {
    it("documents every key with a description", () => {
      const rows = describeConfig();
      expect(rows.map((row) => row.key)).to.include.members([
        "PORT",
        "HOST",
        "DATA_DIR",
        "MONGODB_URI",
        "RPC_URL",
      ]);
      for (const row of rows) expect(row.description, row.key).to.not.equal("");
    });
  });
});
