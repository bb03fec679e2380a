/**
 * The schedule of a scheduled subscription (EPCIS 2.0 QuerySchedule): `second`, `minute`, `hour`,
 * `dayOfMonth`, `month` (1–12) and `dayOfWeek` (1 = Monday … 7 = Sunday), each a comma-separated
 * list of numbers and ranges (`9-17` or `[9-17]`); an omitted field matches every value, as the
 * standard says. Times are UTC.
 */
export type QuerySchedule = Partial<Record<ScheduleField, string>>;
type ScheduleField = "second" | "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek";

const RANGES: Record<ScheduleField, [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [1, 7],
};

/** A problem per field that is not a valid list, else an empty list. */
export function scheduleProblems(schedule: QuerySchedule): { field: string; problem: string }[] {
  return (Object.keys(RANGES) as ScheduleField[]).flatMap((field) =>
    schedule[field] !== undefined && !allowedValues(field, schedule[field])
      ? [{ field, problem: `must list numbers or ranges from ${RANGES[field][0]} to ${RANGES[field][1]}` }]
      : [],
  );
}

/** The first time strictly after `after` that the schedule names, within a year and a day; else null. */
export function nextScheduledTime(schedule: QuerySchedule, after: Date): Date | null {
  const allowed = Object.fromEntries(
    (Object.keys(RANGES) as ScheduleField[]).map((field) => [field, allowedValues(field, schedule[field])!]),
  ) as Record<ScheduleField, Set<number>>;
  const start = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const minute = new Date(start);
  minute.setUTCSeconds(0);
  for (let step = 0; step < 367 * 24 * 60; step++, minute.setUTCMinutes(minute.getUTCMinutes() + 1)) {
    if (
      !allowed.month.has(minute.getUTCMonth() + 1) ||
      !allowed.dayOfMonth.has(minute.getUTCDate()) ||
      !allowed.dayOfWeek.has(((minute.getUTCDay() + 6) % 7) + 1) ||
      !allowed.hour.has(minute.getUTCHours()) ||
      !allowed.minute.has(minute.getUTCMinutes())
    )
      continue;
    const firstSecond = minute.getTime() < start.getTime() ? start.getUTCSeconds() : 0;
    for (let second = firstSecond; second < 60; second++)
      if (allowed.second.has(second)) return new Date(minute.getTime() + second * 1000);
  }
  return null;
}

function allowedValues(field: ScheduleField, list: string | undefined): Set<number> | null {
  const [low, high] = RANGES[field];
  const values = new Set<number>();
  if (list === undefined) {
    for (let value = low; value <= high; value++) values.add(value);
    return values;
  }
  for (const part of list.split(",").map((item) => item.trim())) {
    const match = /^\[?(\d{1,2})(?:-(\d{1,2}))?\]?$/.exec(part);
    if (!match) return null;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < low || to > high || from > to) return null;
    for (let value = from; value <= to; value++) values.add(value);
  }
  return values;
}
