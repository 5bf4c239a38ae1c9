"""A parameter's last 24 hours as a small server-drawn SVG chart (the CSP allows no inline script, and a chart library
would be far more than a line, its thresholds and a few ticks need): coordinates computed here, drawn by
templates/iot/_chart.html."""
from datetime import timedelta

from ..clock import SHANGHAI

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 10, 24
MAX_POINTS = 480  # beyond this a bucket keeps its lowest and highest value: no peak gets lost
HOURS = 24


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
    values = [v for _, v in points] + [v for _, v in limits]
    low, high = min(values), max(values)
    margin = (high - low) * 0.08 or max(abs(high) * 0.1, 1)
    # a concentration is never negative: an axis of readings all at or above zero starts at zero at the lowest
    low, high = (max(low - margin, 0) if low >= 0 else low - margin), high + margin

    def y(value):
        return round(TOP + (high - value) / (high - low) * plot_h, 1)

    result["line"] = " ".join(f"{x(at)},{y(value)}" for at, value in _thinned(points))
    result["last"] = {"x": x(points[-1][0]), "y": y(points[-1][1]), "value": points[-1][1]}
    result["limits"] = [{"name": name, "y": y(value), "value": value} for name, value in limits]
    result["y_ticks"] = [(y(value), f"{value:.4g}") for value in (low + (high - low) * k / 4 for k in range(5))]
    return result


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
