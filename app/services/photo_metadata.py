"""Where and when a photo was taken (the tender: 平台具备 GPS 定位功能，保障现场照片的真实性与地点准确性), and what a
verifier should look at twice.

A photo's place comes from its EXIF GPS tags (written by the camera), else from the device's position sent with the
upload by the browser (`device`: where the phone was when it uploaded; phone browsers often strip EXIF GPS). Its
time comes from EXIF DateTimeOriginal. Both are what the file or the device says: good evidence when they agree
with the case, a reason to look again when they do not — they are shown, never used to refuse a photo.

`assess` compares each photo with its case: taken far from the hazard's recorded position, taken before the hazard
was registered although it should show the rectification (an "after" photo), taken long before it was uploaded, or
without any position at all.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..clock import SHANGHAI

EARTH_RADIUS_M = 6_371_000
FAR_METERS = 500  # farther than this from the hazard's position: shown as a warning
STALE_DAYS = 30  # taken this long before the upload: shown as a warning
AFTER_FIELDS = ("after_photos",)  # forms' fields whose photos show the rectified state
_GPS_IFD, _EXIF_IFD = 0x8825, 0x8769
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _DATETIME = 0x9003, 0x9011, 0x0132


def read(path):
    """(taken_at, latitude, longitude) from the image's EXIF, each None when absent or unreadable. Only the
    header is parsed (no pixels are decoded); a damaged or hostile header is no position, not an error."""
    try:
        from PIL import Image
        with Image.open(path) as image:
            exif = image.getexif()
            gps = exif.get_ifd(_GPS_IFD)
            details = exif.get_ifd(_EXIF_IFD)
            taken = _moment(details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME), details.get(_OFFSET_TIME_ORIGINAL))
            latitude = _coordinate(gps.get(2), gps.get(1), "N", "S", 90)
            longitude = _coordinate(gps.get(4), gps.get(3), "E", "W", 180)
    except Exception:  # noqa: BLE001 - any unreadable header means: nothing known
        return None, None, None
    if latitude is None or longitude is None:
        latitude = longitude = None
    return taken, latitude, longitude


def _coordinate(parts, ref, positive, negative, limit):
    """Degrees from EXIF's (degrees, minutes, seconds) rationals and its N/S or E/W reference."""
    if not parts or len(parts) != 3 or ref not in (positive, negative):
        return None
    degrees, minutes, seconds = (float(p) for p in parts)
    value = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(value) or not 0 <= value <= limit or (value == 0 and degrees == 0):
        return None
    return round(-value if ref == negative else value, 6)


def _moment(text, offset):
    """EXIF's "YYYY:MM:DD HH:MM:SS" (local time of the camera; Shanghai unless an offset tag says otherwise)."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.strptime(text.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-":
        try:
            return datetime.fromisoformat(moment.isoformat() + offset)
        except ValueError:
            pass
    return moment.replace(tzinfo=SHANGHAI)


def device_position(latitude, longitude):
    """(latitude, longitude) sent by the browser with an upload, or {field: message} when they are not numbers in
    range. Both absent is no position."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, {}
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None, {"device_latitude": "设备位置应为经纬度数值 / the device position must be two numbers"}
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None, {"device_latitude": "设备位置超出经纬度范围 / the device position is out of range"}
    return (round(lat, 6), round(lng, 6)), {}


def distance_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class PhotoCheck:
    """What the case and task pages (and the API) say about one photo."""
    taken_at: datetime = None
    source: str = None  # "exif" | "device" | None
    distance_m: float = None  # from the hazard's recorded position
    warnings: list = field(default_factory=list)  # codes: far, before_registration, stale, no_position


def assess(attachment, case):
    """The PhotoCheck of an image on its case (None for other files)."""
    if not attachment.is_image:
        return None
    check = PhotoCheck(taken_at=attachment.taken_at, source=attachment.location_source)
    if attachment.latitude is None:
        check.warnings.append("no_position")
    elif case.latitude is not None and case.longitude is not None:
        check.distance_m = distance_m(attachment.latitude, attachment.longitude, case.latitude, case.longitude)
        if check.distance_m > FAR_METERS:
            check.warnings.append("far")
    taken = attachment.taken_at
    if taken is not None:
        if attachment.field in AFTER_FIELDS and case.registered_at is not None and taken < case.registered_at:
            check.warnings.append("before_registration")
        if attachment.created_at - taken > timedelta(days=STALE_DAYS):
            check.warnings.append("stale")
    return check
