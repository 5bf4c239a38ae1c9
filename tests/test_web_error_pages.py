"""Error pages speak the user's language: Werkzeug's default descriptions (English sentences for developers) are
replaced by a translated sentence per status; a message the code gave is kept. The API keeps its JSON errors."""
from tests.test_web_support import text


def test_a_missing_page_says_so_in_chinese_and_in_english(people, login):
    user = login("inspector")
    response = user.get("/no-such-page")
    assert response.status_code == 404
    page = text(response)
    assert "页面不存在，或者您无权查看它" in page and "The requested URL" not in page
    user.get("/lang/en")
    page = text(user.get("/no-such-page"))
    assert "This page does not exist, or you may not see it" in page and "The requested URL" not in page


def test_a_wrong_method_and_a_given_message(people, login):
    user = login("inspector")
    response = user.get("/notifications/1/read")  # a form's target, posted only
    assert response.status_code == 405 and "此页面不接受这种请求方式" in text(response)
    response = user.get("/reports")  # the guard's own words stay
    assert response.status_code == 403 and "只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表" in text(response)


def test_the_api_keeps_json(people, api):
    response = api("inspector").get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_a_service_refusal_shows_the_half_of_the_users_language(people, login):
    # Services word their refusals "中文 / English" (the API returns both); a page shows one language.
    user = login("manager")
    response = user.get("/library/999999")
    assert response.status_code == 404
    page = text(response)
    assert "典型案例不存在" in page and "typical case not found" not in page
    user.get("/lang/en")
    page = text(user.get("/library/999999"))
    assert "typical case not found" in page and "典型案例不存在" not in page
