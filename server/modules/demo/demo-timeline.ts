export type HarvestKey = "mingqianLeaves" | "daxiLeaves" | "yuqianLeaves";
export type TeaKey = "mingqianTea" | "daxiTea" | "yuqianTea";

/**
 * When each step of the demo journey happened: last spring's tea season, in China Standard Time
 * (+08:00), counted from each harvest's date. A harvest is registered the evening it is picked,
 * inspected the next morning and taken to the factory, processed overnight into finished tea, which
 * is checked the day after; the lots that pass leave the factory in May and are sold there. Every
 * instant lies between its harvest day and the end of May, so it is in the past whenever the season
 * is the demo's (demoSeason).
 */
export interface HarvestTimes {
  registered: string;
  inspected: string;
  /** Fresh leaves to the tea factory (shipped, accepted). */
  delivered: Leg;
}

export interface TeaTimes {
  /** The transformation: the finished tea is commissioned at its time. */
  processed: string;
  inspected: string;
  /** Into the factory's cold store (null: not stored). */
  stored: string | null;
  /** Recalled after its failed inspection (null: not recalled). */
  recalled: string | null;
  /** Factory → logistics → retailer, then sold (null: never left the factory). */
  distributed: { toLogistics: Leg; toRetailer: Leg; sold: string } | null;
}

export interface Leg {
  shipped: string;
  received: string;
}

export interface DemoTimeline {
  harvests: Record<HarvestKey, HarvestTimes>;
  teas: Record<TeaKey, TeaTimes>;
}

/** What happens to each finished lot, and the May day it leaves the factory. */
const TEA_PLAN: Record<TeaKey, { stored: boolean; recalled: boolean; leavesOn: number | null }> = {
  mingqianTea: { stored: true, recalled: false, leavesOn: 6 },
  daxiTea: { stored: false, recalled: false, leavesOn: 12 },
  yuqianTea: { stored: false, recalled: true, leavesOn: null },
};

const DAY_MS = 86_400_000;

/** A China Standard Time instant `days` after `date` (YYYY-MM-DD) at `time` (HH:MM). */
export function chinaTime(date: string, time: string, days = 0): string {
  const wall = Date.parse(`${date}T${time}:00Z`) + days * DAY_MS;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time) || Number.isNaN(wall)) {
    throw new Error(`not a date and time: ${date} ${time}`);
  }
  return `${new Date(wall).toISOString().slice(0, 19)}+08:00`;
}

export function demoTimeline(
  year: number,
  harvestedOn: Record<HarvestKey, string>,
  teaSources: Record<TeaKey, HarvestKey>,
): DemoTimeline {
  const harvests = Object.fromEntries(
    Object.entries(harvestedOn).map(([key, day]) => [key, harvestTimes(day)]),
  ) as Record<HarvestKey, HarvestTimes>;
  const teas = Object.fromEntries(
    (Object.keys(TEA_PLAN) as TeaKey[]).map((key) => [
      key,
      teaTimes(year, harvestedOn[teaSources[key]], TEA_PLAN[key]),
    ]),
  ) as Record<TeaKey, TeaTimes>;
  return { harvests, teas };
}

function harvestTimes(day: string): HarvestTimes {
  return {
    registered: chinaTime(day, "17:30"),
    inspected: chinaTime(day, "10:00", 1),
    delivered: { shipped: chinaTime(day, "13:00", 1), received: chinaTime(day, "15:30", 1) },
  };
}

/** Processing and checks count from the harvest `day`; distribution from its day in May. */
function teaTimes(year: number, day: string, plan: (typeof TEA_PLAN)[TeaKey]): TeaTimes {
  const may = (date: number, time: string) => chinaTime(`${year}-05-${String(date).padStart(2, "0")}`, time);
  const leg = (date: number, shipped: string, received: string): Leg => ({
    shipped: may(date, shipped),
    received: may(date, received),
  });
  const out = plan.leavesOn;
  return {
    processed: chinaTime(day, "18:00", 2),
    inspected: chinaTime(day, "10:00", 3),
    stored: plan.stored ? chinaTime(day, "16:00", 3) : null,
    recalled: plan.recalled ? chinaTime(day, "14:00", 4) : null,
    distributed:
      out === null
        ? null
        : {
            toLogistics: leg(out, "08:00", "09:30"),
            toRetailer: leg(out + 1, "06:30", "10:00"),
            sold: may(out + 3, "10:30"),
          },
  };
}
