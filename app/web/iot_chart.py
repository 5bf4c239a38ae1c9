"""A parameter's last 24 hours, and its last 90 days from the daily roll-up, as small server-drawn SVG charts (the CSP
allows no inline script, and a chart library would be far more than a line, a band, thresholds and a few ticks
need): coordinates computed here, drawn by the macros `chart` and `daily_chart` of templates/iot/_parts.html."""
from datetime import timedelta

from ..clock import SHANGHAI

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 10, 24
MAX_POINTS = 480  # beyond this a bucket keeps its lowest and highest value: no peak gets lost
HOURS = 24
DAYS = 90  # the daily chart's span


def chart(points, parameter, now):
    """The drawing of `points` [(moment, value)] oldest first, with the parameter's thresholds (an IotParameter);
    `empty` when there is nothing in the window."""
    start = now - timedelta(hours=HOURS)
    points = [(at, value) for at, value in points if start <= at <= now]
    limits = [(name, getattr(parameter, name)) for name in ("alarm_high", "warn_high", "warn_low", "alarm_low")
              if getattr(parameter, name) is not None]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    result = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "right": WIDTH - RIGHT,
              "bottom": HEIGHT - BOTTOM, "empty": not points, "line": "", "last": None, "limits": [],
              "y_ticks": [], "x_ticks": []}
    span = timedelta(hours=HOURS).total_seconds()

    def x(moment):
        return round(LEFT + (moment - start).total_seconds() / span * plot_w, 1)

    result["x_ticks"] = [(x(start + timedelta(hours=h)), (start + timedelta(hours=h)).astimezone(SHANGHAI)
                          .strftime("%H:%M")) for h in range(0, HOURS + 1, 6)]
    if not points:
        return result
    y, result["y_ticks"] = _value_axis([v for _, v in points] + [v for _, v in limits], plot_h)
    result["line"] = " ".join(f"{x(at)},{y(value)}" for at, value in _thinned(points))
    result["last"] = {"x": x(points[-1][0]), "y": y(points[-1][1]), "value": points[-1][1]}
    result["limits"] = [{"name": name, "y": y(value), "value": value} for name, value in limits]
    return result


def daily_chart(rows, parameter, today, days=DAYS):
    """The drawing of a parameter's daily rows (IotReadingDaily, oldest first) over the `days` days before `today`
    (Shanghai dates): per run of consecutive days a band from each day's lowest to its highest value and a line
    through the daily averages, the parameter's current thresholds, and a mark over each day with readings at alarm
    (or warning) level. `empty` when no day in the window has a row."""
    start = today - timedelta(days=days)
    rows = [row for row in rows if start <= row.day < today]
    limits = [(name, getattr(parameter, name)) for name in ("alarm_high", "warn_high", "warn_low", "alarm_low")
              if getattr(parameter, name) is not None]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / days
    result = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "right": WIDTH - RIGHT,
              "bottom": HEIGHT - BOTTOM, "empty": not rows, "bands": [], "averages": [], "limits": [], "days": [],
              "y_ticks": [], "x_ticks": [], "slot": round(slot, 2), "first_day": start, "last_day": today}

    def x(day):
        return round(LEFT + ((day - start).days + 0.5) * slot, 1)

    result["x_ticks"] = [(round(LEFT + k * slot, 1), (start + timedelta(days=k)).strftime("%m-%d"))
                         for k in range(0, days + 1, 15)]
    if not rows:
        return result
    y, result["y_ticks"] = _value_axis([r.value_min for r in rows] + [r.value_max for r in rows]
                                       + [v for _, v in limits], plot_h)
    for run in _consecutive(rows):
        highs = [f"{x(r.day)},{y(r.value_max)}" for r in run]
        lows = [f"{x(r.day)},{y(r.value_min)}" for r in reversed(run)]
        result["bands"].append(" ".join(highs + lows))
        line = [f"{x(r.day)},{y(r.average)}" for r in run]
        result["averages"].append(" ".join(line * 2 if len(run) == 1 else line))  # a lone day: a dot (round caps)
    result["days"] = [{"day": r.day, "x": round(x(r.day) - slot / 2, 1), "center": x(r.day), "y": y(r.average),
                       "min": r.value_min, "max": r.value_max, "average": r.average, "count": r.reading_count,
                       "warnings": r.warning_count, "alarms": r.alarm_count,
                       "mark": "alarm" if r.alarm_count else ("warning" if r.warning_count else None)} for r in rows]
    result["limits"] = [{"name": name, "y": y(value), "value": value} for name, value in limits]
    return result


def _consecutive(rows):
    """The rows in runs of consecutive days (a day without readings breaks the band and the line)."""
    runs = []
    for row in rows:
        if runs and (row.day - runs[-1][-1].day).days == 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _value_axis(values, plot_h):
    """(y(value) in the drawing, the value ticks) for an axis that holds `values` with a margin."""
    low, high = min(values), max(values)
    margin = (high - low) * 0.08 or max(abs(high) * 0.1, 1)
    # a concentration is never negative: an axis of readings all at or above zero starts at zero at the lowest
    low, high = (max(low - margin, 0) if low >= 0 else low - margin), high + margin

    def y(value):
        return round(TOP + (high - value) / (high - low) * plot_h, 1)
    return y, [(y(value), f"{value:.4g}") for value in (low + (high - low) * k / 4 for k in range(5))]


def _thinned(points):
    """At most MAX_POINTS points: per time bucket its lowest and highest value, in time order."""
    if len(points) <= MAX_POINTS:
        return points
    buckets = MAX_POINTS // 2
    size = len(points) / buckets
    kept = []
    for n in range(buckets):
        chunk = points[int(n * size):int((n + 1) * size)]
        if chunk:
            pair = {min(chunk, key=lambda p: p[1]), max(chunk, key=lambda p: p[1])}
            kept.extend(sorted(pair, key=lambda p: p[0]))
    return kept
