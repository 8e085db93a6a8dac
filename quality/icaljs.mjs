// Parse iCalendar files with ical.js (Mozilla's parser, used by Thunderbird): a client nobody on this project wrote.
// Usage: node quality/icaljs.mjs FILE...  Prints one JSON object per file: the METHOD and, per VEVENT, what a
// calendar client reads (uid, sequence, status, start and end in UTC, summary). A file ical.js cannot parse exits 1.
import { readFileSync } from "node:fs";
import ICAL from "../node_modules/ical.js/dist/ical.js";

const out = [];
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      summary: event.summary,
      description: event.description,
    };
  });
  out.push({ path, method: calendar.getFirstPropertyValue("method"), version: calendar.getFirstPropertyValue("version"), events });
}
process.stdout.write(JSON.stringify(out));
