"""The subset of PVE calendar events used for replication schedules.

Supported: `[HOURS:]MINUTES` where each field is `*`, `N`, `*/S`, `N/S`, `A..B` or
a comma list of those, plus the keywords minutely, hourly, daily. Weekdays and dates
are rejected with an error rather than silently misread.
"""
import time

KEYWORDS = {"minutely": "*:*", "hourly": "*:0", "daily": "0:0"}


def _field(text, limit):
    values = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if part != "*" and ".." not in part:
                part = "%s..%d" % (part, limit - 1)
        if part == "*":
            lo, hi = 0, limit - 1
        elif ".." in part:
            lo_text, hi_text = part.split("..", 1)
            lo, hi = int(lo_text), int(hi_text)
        else:
            lo = hi = int(part)
        if step < 1 or not 0 <= lo <= hi < limit:
            raise ValueError("value out of range")
        values.update(range(lo, hi + 1, step))
    return values


def parse(schedule):
    spec = KEYWORDS.get(schedule.strip(), schedule.strip())
    try:
        if ":" in spec:
            hours_text, minutes_text = spec.split(":", 1)
        else:
            hours_text, minutes_text = "*", spec
        return _field(hours_text, 24), _field(minutes_text, 60)
    except ValueError:
        raise ValueError("unable to parse calendar event '%s'" % schedule) from None


def next_event(schedule, after):
    """First event strictly after epoch `after` (local time), like compute_next_event."""
    hours, minutes = parse(schedule)
    t = (int(after) // 60 + 1) * 60
    for _ in range(24 * 60 * 2):
        lt = time.localtime(t)
        if lt.tm_hour not in hours:
            t += (60 - lt.tm_min) * 60
            continue
        if lt.tm_min in minutes:
            return t
        t += 60
    return 0


def interval_seconds(schedule):
    """Longest gap between two events: what a job's RPO allows at best."""
    hours, minutes = parse(schedule)
    events = sorted(h * 60 + m for h in hours for m in minutes)
    gaps = [b - a for a, b in zip(events, events[1:])] + [events[0] + 1440 - events[-1]]
    return max(gaps) * 60
