import { expect } from "chai";
import { RestartBackoff } from "../../server/platform/restart-backoff";

describe("restart back-off (embedded database thread, embedded anvil node)", () => {
  function supervised() {
    let now = 0;
    const waits: number[] = [];
    const pending: (() => void)[] = [];
    let restarts = 0;
    const backoff = new RestartBackoff(
      async () => {
        restarts++;
      },
      {
        now: () => now,
        after: (ms, run) => {
          waits.push(ms);
          pending.push(run);
          return undefined as unknown as NodeJS.Timeout;
        },
      },
    );
    return {
      backoff,
      waits,
      advance: (ms: number) => (now += ms),
      fire: () => pending.splice(0).forEach((run) => run()),
      restarts: () => restarts,
    };
  }

  it("doubles the wait from 0.25 s per failed start, up to 30 s", () => {
    const { backoff, waits } = supervised();
    backoff.started();
    backoff.died();
    for (let failed = 0; failed < 9; failed++) backoff.retry();
    expect(waits).to.deep.equal([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("starts the count over after a minute's healthy run, not after a shorter one", () => {
    const { backoff, waits, advance } = supervised();
    backoff.started();
    backoff.died();
    backoff.retry(); // 250, 500
    backoff.started();
    advance(59_999);
    backoff.died(); // died young: 1,000
    backoff.started();
    advance(60_000);
    backoff.died(); // after a healthy minute: 250 again
    expect(waits).to.deep.equal([250, 500, 1_000, 250]);
  });

  it("runs the restart when the wait is over", async () => {
    const { backoff, fire, restarts } = supervised();
    backoff.died();
    expect(restarts()).to.equal(0);
    fire();
    await Promise.resolve();
    expect(restarts()).to.equal(1);
  });
});
