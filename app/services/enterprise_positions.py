"""The enterprise's position (企业位置; the tender's "利用 GIS 地理信息系统标注重点监管点位"): the rule for the two
numbers, shared by the admin form, the spreadsheet import and the map click that fills the form.

- WGS-84 decimal degrees, as GPS, the browser's Geolocation API and 天地图 (CGCS2000, the same to a few centimetres)
  give them. Coordinates copied from 高德 or 百度 maps are shifted (GCJ-02 / BD-09) by a few hundred metres: the
  README says so; nothing here can tell them apart.
- Latitude −90…90 and longitude −180…180, the boundaries included; kept to 6 decimals (about 0.1 m), more are
  rounded. Both or neither: one without the other places nothing, so it is an error on the missing one. Empty
  clears the position (the form); an import's empty cell leaves it as stored, like any other cell.
- The database has the same rule as a CHECK (models/enterprise.POSITION_RULE).
"""
import math
import re

DECIMALS = 6
RANGES = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
_NAMES = {"latitude": ("纬度", "latitude"), "longitude": ("经度", "longitude")}
_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{0,20})?|\.\d{1,20})")  # plain decimal degrees: no exponent, no "_"


def clean_position(latitude, longitude, errors):
    """(latitude, longitude) as floats rounded to 6 decimals, or (None, None) when both are empty; a wrong value
    goes into `errors` under its field name (the value itself is returned for the form to show again)."""
    values = {name: _number(value, name, errors) for name, value in (("latitude", latitude),
                                                                      ("longitude", longitude))}
    given = [name for name, value in values.items() if value is not None]
    if len(given) == 1 and not set(RANGES) & set(errors):
        missing = "longitude" if given == ["latitude"] else "latitude"
        zh, en = _NAMES[missing]
        errors[missing] = f"请同时填写{zh} / enter the {en} too"
    return values["latitude"], values["longitude"]


def _number(value, name, errors):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    low, high = RANGES[name]
    zh, en = _NAMES[name]
    wrong = f"{zh}应为 {low:g} 到 {high:g} 之间的数（WGS-84 十进制度，如 35.4627） / the {en} must be a number " \
            f"from {low:g} to {high:g} (WGS-84 decimal degrees, e.g. 35.4627)"
    if isinstance(value, bool):
        errors[name] = wrong
        return value
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        number = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not (math.isfinite(number) and low <= number <= high):
        errors[name] = wrong
        return value
    return round(number, DECIMALS) + 0.0  # + 0.0: -0.0 reads back as 0.0 and compares as unchanged


def is_placed(enterprise):
    return enterprise.latitude is not None and enterprise.longitude is not None
