"""The catalogue of spot measurements taken on site (现场检测项目: gas concentrations, oxygen, earthing resistance,
noise, illuminance …) and how a value is judged against a kind's limit. The catalogue is data in the repository
(app/data/measurement_kinds.json), like the standard checklists: its limits come from national standards and change
with them, through review and a deployment, not by a click. A recorded measurement keeps its kind's name, unit and
limit as they were (services/site_measurements.py), so a later change of the file never re-judges old records.

A limit has a lower and / or an upper bound, each inclusive or not: earthing resistance ≤ 4 Ω (max 4, inclusive),
combustible gas < 25 %LEL (max 25, not inclusive: the alarm set point itself is out of limit), oxygen 19.5–23.5 %
(both inclusive). A kind without a limit is recorded only. Outside its physical range (oxygen above 100 %) a value
is refused as a typing error. Values are compared as decimals, so 4.0 against ≤ 4 is exact."""
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "measurement_kinds.json"
VERDICTS = {"pass": ("合格", "Within limit"), "exceeded": ("超标", "Out of limit"),
            "recorded": ("仅记录", "Recorded (no limit)")}
CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    name_en: str
    unit: str
    lowest: Decimal  # the physical range
    highest: Decimal
    limit: dict  # {"min", "min_inclusive", "max", "max_inclusive"} (decimal strings), or {} for none
    basis: str = ""

    @property
    def limit_text(self):
        return limit_text(self.limit, self.unit)


def catalogue():
    """{code: Kind} in the file's order."""
    return _load(CATALOGUE_FILE)


def get(code):
    return catalogue().get(code) if isinstance(code, str) else None


@lru_cache(maxsize=4)
def _load(path):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    kinds = {}
    for entry in data["kinds"]:
        kind = _kind(entry)
        if kind.code in kinds:
            raise ValueError(f"measurement kind {kind.code} twice in {path}")
        kinds[kind.code] = kind
    return kinds


def _kind(entry):
    code = entry["code"]
    if not CODE.fullmatch(code):
        raise ValueError(f"bad measurement kind code {code!r}")
    lowest, highest = (Decimal(str(v)) for v in entry["range"])
    raw = entry.get("limit") or {}
    limit = {}
    for bound in ("min", "max"):
        if raw.get(bound) is not None:
            limit[bound] = str(Decimal(str(raw[bound])))
            limit[f"{bound}_inclusive"] = bool(raw.get(f"{bound}_inclusive", True))
    if not lowest < highest or any(not lowest <= Decimal(limit[b]) <= highest for b in ("min", "max") if b in limit):
        raise ValueError(f"measurement kind {code}: the limit must lie in the range")
    return Kind(code, entry["name"], entry["name_en"], entry["unit"], lowest, highest, limit, entry.get("basis", ""))


def judge(limit, value):
    """"pass" / "exceeded" for a value (a Decimal) against a limit as stored; "recorded" when there is none."""
    if not limit:
        return "recorded"
    if "min" in limit:
        low = Decimal(limit["min"])
        if value < low or (value == low and not limit.get("min_inclusive", True)):
            return "exceeded"
    if "max" in limit:
        high = Decimal(limit["max"])
        if value > high or (value == high and not limit.get("max_inclusive", True)):
            return "exceeded"
    return "pass"


def limit_text(limit, unit):
    """The limit in symbols, language-neutral: "≤ 4 Ω", "< 25 %LEL", "19.5–23.5 %VOL", "≥ 0.5 MΩ"; "" for none."""
    if not limit:
        return ""
    low, high = limit.get("min"), limit.get("max")
    if low is not None and high is not None:
        if limit.get("min_inclusive", True) and limit.get("max_inclusive", True):
            return f"{low}–{high} {unit}"
        return (f"{'≥' if limit.get('min_inclusive', True) else '>'} {low}, "
                f"{'≤' if limit.get('max_inclusive', True) else '<'} {high} {unit}")
    if high is not None:
        return f"{'≤' if limit.get('max_inclusive', True) else '<'} {high} {unit}"
    return f"{'≥' if limit.get('min_inclusive', True) else '>'} {low} {unit}"
