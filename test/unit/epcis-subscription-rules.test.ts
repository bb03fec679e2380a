import { expect } from "chai";
import { nextScheduledTime, scheduleProblems } from "../../server/modules/epcis/domain/query-schedule";
import { destinationProblem } from "../../server/modules/epcis/domain/subscription-destination";

describe("EPCIS subscriptions (pure rules)", () => {
  describe("nextScheduledTime", () => {
    const at = (iso: string) => new Date(iso);

    it("finds the next time the schedule names, strictly after the given one, in UTC", () => {
      const daily = { hour: "2", minute: "30", second: "0" };
      expect(nextScheduledTime(daily, at("2026-05-01T01:00:00Z"))?.toISOString()).to.equal(
        "2026-05-01T02:30:00.000Z",
      );
      expect(nextScheduledTime(daily, at("2026-05-01T02:30:00Z"))?.toISOString()).to.equal(
        "2026-05-02T02:30:00.000Z",
      );
    });

    it("reads lists, ranges with or without brackets, and days of the week from Monday = 1", () => {
      const weekdays = { dayOfWeek: "[1-5]", hour: "9,17", minute: "0", second: "0" };
      // 2026-05-02 is a Saturday: the next is Monday 09:00.
      expect(nextScheduledTime(weekdays, at("2026-05-01T17:00:00Z"))?.toISOString()).to.equal(
        "2026-05-04T09:00:00.000Z",
      );
      expect(nextScheduledTime({ second: "15-16" }, at("2026-05-01T00:00:15Z"))?.toISOString()).to.equal(
        "2026-05-01T00:00:16.000Z",
      );
    });

    it("fires every second when no field is set, as the standard's omitted fields match every value", () => {
      expect(nextScheduledTime({}, at("2026-05-01T00:00:00.400Z"))?.toISOString()).to.equal(
        "2026-05-01T00:00:01.000Z",
      );
    });

    it("answers null for a schedule that names no time within a year (31 February)", () => {
      expect(nextScheduledTime({ month: "2", dayOfMonth: "31" }, at("2026-05-01T00:00:00Z"))).to.equal(null);
    });

    it("names each field that is not a list of numbers or ranges in its bounds", () => {
      expect(
        scheduleProblems({ hour: "25", minute: "*/5", second: "3-1", month: "12" }).map((p) => p.field),
      ).to.deep.equal(["second", "minute", "hour"]);
    });
  });

  describe("destinationProblem", () => {
    const allowed = ["receiver.example.com", "127.0.0.1:8080"];

    it("accepts http(s) URLs on an allowed host (with the allowed port when one is listed)", () => {
      expect(destinationProblem("https://receiver.example.com/epcis", allowed)).to.equal(null);
      expect(destinationProblem("http://RECEIVER.example.com:9000/x", allowed)).to.equal(null);
      expect(destinationProblem("http://127.0.0.1:8080/hook", allowed)).to.equal(null);
    });

    it("refuses other hosts and ports, other schemes, credentials, and everything when no host is allowed", () => {
      expect(destinationProblem("http://127.0.0.1:9090/hook", allowed)).to.match(
        /not in EPCIS_SUBSCRIPTION_ALLOWED_HOSTS/,
      );
      expect(destinationProblem("http://169.254.169.254/latest", allowed)).to.match(/not in/);
      expect(destinationProblem("gopher://receiver.example.com/", allowed)).to.match(/http or https/);
      expect(destinationProblem("https://u:p@receiver.example.com/", allowed)).to.match(/credentials/);
      expect(destinationProblem("not a url", allowed)).to.match(/absolute/);
      expect(destinationProblem("https://receiver.example.com/", [])).to.match(/is empty/);
    });
  });
});
