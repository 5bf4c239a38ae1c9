"""Through a real browser: the bureau's user turns on two-factor login from the account page (secret read off the
page as an authenticator app would scan it), logs out, and logs in again with password and code."""
import re

from app.clock import clock
from app.services import two_factor
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.conftest import PASSWORD


def test_bureau_user_sets_up_two_factor_and_logs_in_with_a_code(people, live_server, page):
    log_in(page, live_server, "bureau")
    page.click(".userbox a.who")
    page.click(".subnav >> text=双因素认证")
    page.wait_for_url(re.compile(r"/account/two-factor$"))
    page.click("button:has-text('开始设置')")
    assert page.locator(".qr svg").is_visible()
    secret = page.inner_text("code.secret").replace(" ", "")
    page.fill("#f-code", two_factor.code_at(secret, two_factor.current_step()))
    page.click("button:has-text('确认开启')")
    page.wait_for_url(re.compile(r"/$"))
    assert "双因素认证已开启" in page.inner_text(".flashes")
    log_out(page)

    clock.advance(seconds=30)
    page.goto(f"{live_server}/login")
    page.fill("#username", "bureau")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/login/code$"))
    page.fill("#code", "000000" if two_factor.code_at(secret, two_factor.current_step()) != "000000" else "111111")
    page.click("button[type=submit]")
    assert "验证码不正确" in page.inner_text(".alert-error")
    page.fill("#code", two_factor.code_at(secret, two_factor.current_step()))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert "bureau" in page.inner_text(".userbox")
