"""Signing in, and failures shown as sentences rather than tracebacks."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workbench import api

from .conftest import APP, open_page, texts


def test_sign_in_then_every_page_is_in_the_navigation(stack):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.text_input[0].input("planner")
    at.text_input[1].input("weft-admin")
    at.button[0].click()
    at.run()
    assert not at.exception and not at.error
    assert at.session_state[api.AUTH_KEY]["roles"] == ["planner"]
    assert any("Signed in as" in c for c in texts(at, "caption"))
    assert at.title[0].value == "Forecasts"  # the first page of the navigation opens


def test_wrong_password_shows_the_apis_reason(stack):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.text_input[0].input("purchaser")
    at.text_input[1].input("not-the-password")
    at.button[0].click()
    at.run()
    message = at.error[0].value
    assert message.startswith("Sign-in failed: ")
    assert "Traceback" not in message and len(message) > len("Sign-in failed: ") + 5
    assert api.AUTH_KEY not in at.session_state


def test_a_refused_call_is_shown_as_the_envelopes_message(stack, mill):
    expected = stack.call(
        "POST",
        "/api/v1/ml/what-if/",
        as_user="viewer",
        json={"params": {"material": mill["articles"][0]}, "curve": True},
    ).json()["error"]["message"]
    at = open_page(stack, "viewer", "pages/what_if.py")
    assert [e.value for e in at.error] == [f"What-if refused: {expected}"]


def test_an_unreachable_api_is_a_sentence(stack, free_port_url):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[api.AUTH_KEY] = {"username": "planner", "access": "x", "refresh": "y", "api_url": free_port_url}
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Could not load articles: The Weft API at ")
    assert "cannot be reached" in at.error[0].value


def test_an_expired_session_asks_to_sign_in_again(stack):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[api.AUTH_KEY] = {
        "username": "planner",
        "access": "expired",
        "refresh": "also-bad",
        "api_url": stack.base_url,
    }
    at.run()
    assert at.error[0].value == "Could not load articles: Your session has expired: please sign in again."
    at.run()
    assert at.button[0].label == "Sign in"
