"""Real HTTP against pytest-django's threaded live server, for tests that need true parallel requests."""

import re
import threading

import httpx

TIMEOUT = 30.0  # seconds; bounds every request so a deadlock fails the test instead of hanging it


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def session(base_url: str, cookies: dict | None = None) -> httpx.Client:
    return httpx.Client(base_url=base_url, cookies=cookies or {}, timeout=TIMEOUT, follow_redirects=False)


def post_form(client: httpx.Client, url: str, data: dict) -> httpx.Response:
    """GET the form for its CSRF token, then POST it."""
    token = csrf_token(client.get(url).text)
    return client.post(url, data={"csrfmiddlewaretoken": token, **data})


def at_once(calls) -> list:
    """Run each zero-argument callable in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=TIMEOUT)
        try:
            results[i] = call()
        except Exception as exc:  # reported to the test as a result
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    return results


def cookie_dict(client: httpx.Client) -> dict:
    """name -> value; the live server may set one name for two hosts (localhost and 127.0.0.1)."""
    return {cookie.name: cookie.value for cookie in client.cookies.jar}
