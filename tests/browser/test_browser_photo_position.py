"""Through a real browser that may share its position: an inspector registers a hazard with a photo whose GPS tags
were stripped; the page sends the device's position with the upload, and the case page says how far from the
hazard it was taken. Without the permission the upload goes through without a position."""
from app.models import Attachment, HazardCase
from test_browser_flow import browser, live_server, log_in, register_in_browser  # noqa: F401
from tests.test_photo_positions import jpeg


def _register(page, people, live_server):
    log_in(page, live_server, "inspector")
    register_in_browser(page, people, {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})


def _page(browser, **options):
    """A context of its own (the position and its permission are per context); like the shared `page` fixture,
    anything the Content-Security-Policy blocked fails the test (checked in _close)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.blocked = []
    page.on("console", lambda message: page.blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return context, page


def _close(context, page):
    context.close()
    assert page.blocked == [], page.blocked


def test_the_device_position_goes_with_the_photo(people, live_server, browser):
    context, page = _page(browser, permissions=["geolocation"],
                          geolocation={"latitude": 30.27445, "longitude": 120.15515})  # ≈ 33 m north
    try:
        _register(page, people, live_server)
        caption = page.inner_text(".photo-facts")
        assert "距隐患位置 33 米" in caption and "（上传设备位置）" in caption
        photo = Attachment.query.one()
        assert (photo.latitude, photo.longitude, photo.location_source) == (30.27445, 120.15515, "device")
    finally:
        _close(context, page)


def test_without_the_permission_the_photo_still_uploads(people, live_server, browser):
    context, page = _page(browser)
    try:
        _register(page, people, live_server)
        assert HazardCase.query.count() == 1 and "照片没有定位信息" in page.inner_text(".photo-facts")
    finally:
        _close(context, page)
