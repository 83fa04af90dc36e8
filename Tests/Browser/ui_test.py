#!/usr/bin/env python3
"""Browser test of Callboard's web UI (run by Tests/EndToEndTests/BrowserTests.swift).

Drives headless Chromium (Debian's chromium + chromium-driver) with selenium against a live
server that has demo data, the Frobs provider (fed by a Frobs simulator) and two dead letters.
It signs in with the token, checks each page's content, clicks replay, delete, pause/resume and
trigger, and sees a webhook's entity appear on the open catalog page without a reload.
Screenshots go to --screenshots. Exit 0 on success, 1 on a failed check, 77 when selenium,
chromium or chromedriver is missing. Every wait is an explicit wait with a generous timeout.
"""
import argparse
import json
import os
import shutil
import signal
import sys
import traceback
import urllib.request

WAIT = 30  # seconds for each explicit wait


def missing_tools():
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install selenium)")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("chromium")
    if not shutil.which("chromedriver") and not os.path.exists("/usr/bin/chromedriver"):
        missing.append("chromedriver (apt-get install chromium-driver)")
    return missing


def http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


class UITest:
    def __init__(self, args):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        self.base = args.base_url.rstrip("/")
        self.simulator = args.simulator_url.rstrip("/")
        self.token = args.token
        self.shots = args.screenshots
        os.makedirs(self.shots, exist_ok=True)
        stale = os.path.join(self.shots, "failure.png")
        if os.path.exists(stale):
            os.remove(stale)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000", "--lang=en-US", "--disable-extensions"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        self.driver.set_page_load_timeout(60)
        # Pages re-render as data arrives: an element found a moment ago may be replaced.
        self.wait = WebDriverWait(self.driver, WAIT, poll_frequency=0.1,
                                  ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    # helpers ---------------------------------------------------------------------------------
    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def until(self, condition, what):
        from selenium.common.exceptions import TimeoutException
        try:
            return self.wait.until(lambda driver: condition())
        except TimeoutException:
            raise AssertionError("timed out waiting for: " + what)

    def present(self, selector):
        return self.until(lambda: (self.all(selector) or [None])[0], selector)

    def text_in(self, selector, text):
        return self.until(lambda: any(text in e.text for e in self.all(selector)), f"{text!r} in {selector}")

    def click(self, selector):
        """Clicks the element `selector` names, finding it again if it was re-rendered meanwhile."""
        def attempt():
            self.css(selector).click()
            return True
        self.until(attempt, "to click " + selector)

    def go(self, hash_route):
        self.driver.execute_script("location.hash = arguments[0]", hash_route)

    def shot(self, name):
        path = os.path.join(self.shots, name)
        self.driver.save_screenshot(path)
        print(f"  screenshot {path}")

    def step(self, name):
        print(f"- {name}")

    def webhook(self, kind, source):
        return http("POST", self.base + "/api/events/http/frobs", {"type": kind, "id": source})

    # the checks ------------------------------------------------------------------------------
    def run(self):
        self.sign_in()
        self.catalog()
        self.entity()
        self.live_catalog()
        self.events()
        self.event_detail()
        self.providers()
        self.scheduler()
        self.sign_out()

    def sign_in(self):
        self.step("sign in: the UI asks for the token once")
        self.driver.get(self.base + "/")
        field = self.present("#token")
        field.send_keys("wrong-token")
        self.click("#login button[type=submit]")
        self.text_in("#login-error", "not valid")
        self.shot("sign-in.png")
        field = self.css("#token")
        field.clear()
        field.send_keys(self.token)
        self.click("#login button[type=submit]")
        self.present('tr[data-ref="component:default/petstore"]')
        cookies = {c["name"]: c for c in self.driver.get_cookies()}
        cookie = cookies.get("callboard_token")
        assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookies
        assert self.driver.execute_script("return document.cookie") == "", "the token cookie is readable by script"

    def catalog(self):
        from selenium.webdriver.support.ui import Select
        self.step("catalog: list, facets, search, pages")
        self.text_in("#catalog-summary", "entities in the catalog")
        total = int(self.css("#catalog-summary").text.split()[0])
        assert total >= 37, f"expected the demo entities, got {total}"
        self.until(lambda: any("Component (" in o.text for o in Select(self.css("#facet-kind")).options), "kind facet")
        self.until(lambda: any("group:default/team-b (" in o.text for o in Select(self.css("#facet-spec-owner")).options),
                   "owner facet")
        self.text_in("#changes-feed", "Waiting")
        # The description is shown as text, never as markup.
        self.text_in('tr[data-ref="component:default/petstore"]', "Sells pets <b>online</b>")
        self.shot("ui-catalog-start.png")
        first_page = [r.get_attribute("data-ref") for r in self.all("#catalog-results tbody tr")]
        assert len(first_page) == 25, len(first_page)
        self.click("#next-page")
        self.until(lambda: [r.get_attribute("data-ref") for r in self.all("#catalog-results tbody tr")] != first_page,
                   "the second page")
        self.click("#previous-page")
        self.until(lambda: [r.get_attribute("data-ref") for r in self.all("#catalog-results tbody tr")] == first_page,
                   "the first page again")
        # Facet: only groups.
        Select(self.css("#facet-kind")).select_by_value("Group")
        self.until(lambda: "kind=Group" in self.driver.current_url, "the kind facet in the URL")
        self.text_in("#catalog-summary", "2 entities match")
        refs = sorted(r.get_attribute("data-ref") for r in self.all("#catalog-results tbody tr"))
        assert refs == ["group:default/team-a", "group:default/team-b"], refs
        # Text search.
        self.go("#/catalog")
        search = self.present("#search")
        search.clear()
        search.send_keys("pet")
        self.click("form.filters button[type=submit]")
        self.text_in("#catalog-summary", "match")
        self.until(lambda: len(self.all('tr[data-ref="component:default/service-01"]')) == 0, "search to filter")
        self.present('tr[data-ref="component:default/pet-web"]')

    def entity(self):
        self.step("entity page: metadata, spec, relations both ways, provider, uid/etag")
        self.click('tr[data-ref="component:default/petstore"] a')
        self.present("#entity-uid")
        self.until(lambda: len(self.css("#entity-uid").text) > 10, "the uid")
        assert len(self.css("#entity-etag").text) > 5
        self.text_in("#entity", "Sells pets <b>online</b>")
        self.text_in("#entity", "demo")  # provider
        self.text_in("#relations", "ownedBy")
        self.text_in("#relations", "dependencyOf")  # pet-web depends on petstore: the other direction
        self.text_in("#errors", "No processing errors")
        self.text_in("#entity pre", '"providesApis"')
        # A javascript: link is shown as text, not as a link.
        assert not [a for a in self.all("#entity a") if (a.get_attribute("href") or "").startswith("javascript")]
        self.shot("ui-entity.png")
        self.click('#relations a[href="#/entity/group/default/team-a"]')
        self.until(lambda: "/entity/group/default/team-a" in self.driver.current_url, "the group page")
        self.text_in("#relations", "ownerOf")
        self.until(lambda: any(a.text == "component:default/petstore" for a in self.all("#relations a")),
                   "the group's ownerOf link back to petstore")

    def live_catalog(self):
        self.step("live: a webhook's entity appears on the open catalog page without reload")
        self.go("#/catalog")
        self.present('tr[data-ref="component:default/petstore"]')
        assert not self.all('tr[data-ref="component:default/frob-live"]')
        self.present("aside .live-dot.on")
        self.driver.execute_script("window.__callboardNoReload = 'still here'")
        http("PUT", self.simulator + "/sources/live",
             {"frobs": [{"name": "frob-live", "owner": "team-a", "title": "Live frob"}]})
        assert self.webhook("add", "live") == 202
        self.present('tr[data-ref="component:default/frob-live"]')
        self.text_in("#changes-feed", "component:default/frob-live")
        marker = self.driver.execute_script("return window.__callboardNoReload")
        assert marker == "still here", "the page was reloaded"
        self.shot("ui-catalog.png")
        # The open entity page follows an update too.
        self.click('tr[data-ref="component:default/frob-live"] a')
        self.text_in("main h1", "Live frob")
        self.present("#entity-status .live-dot.on")
        http("PUT", self.simulator + "/sources/live",
             {"frobs": [{"name": "frob-live", "owner": "team-a", "title": "Live frob, renamed"}]})
        assert self.webhook("modify", "live") == 202
        self.text_in("main h1", "Live frob, renamed")

    def events(self):
        self.step("events: topics, subscribers, live tail, dead letters with replay and delete, pause/resume")
        self.go("#/events")
        self.present('#topics tr[data-topic="frobs"]')
        self.present('#topics tr[data-topic="frobs.add"]')
        self.present('#subscribers tr[data-subscriber="frobs-demo"]')
        self.until(lambda: len(self.all("#dead-letters tr[data-dead-letter]")) == 2, "two dead letters")
        self.present("#tail-dot.on")
        assert self.webhook("modify", "live") == 202
        self.text_in("#tail-rows", "frobs.modify")
        self.text_in("#tail-rows", "routed to frobs.modify")
        self.until(lambda: any("frobs-demo: delivered" in r.text for r in self.all("#tail-rows tr")),
                   "a delivery to frobs-demo in the tail")
        self.shot("ui-events.png")

        # Pause and resume the provider's subscriber.
        row = '#subscribers tr[data-subscriber="frobs-demo"]'
        self.click(row + " button[data-action=pause]")
        self.text_in(row, "paused")
        self.click(row + " button[data-action=resume]")
        self.text_in(row, "running")

        # Delete one dead letter, replay the other: its entity arrives.
        ids = self.until(lambda: [r.get_attribute("data-dead-letter") for r in self.all("#dead-letters tr[data-dead-letter]")],
                         "the dead letters' ids")
        victim, replayed = ids[0], ids[1]
        self.click(f'#dead-letters tr[data-dead-letter="{victim}"] button[data-action=delete]')
        self.until(lambda: len(self.all(f'#dead-letters tr[data-dead-letter="{victim}"]')) == 0, "the deleted letter to go")
        self.click(f'#dead-letters tr[data-dead-letter="{replayed}"] button[data-action=replay]')
        self.text_in("#notice", "requested")
        self.present("#no-dead-letters")
        # The replayed delivery brought its frob in; the deleted one's never arrives.
        self.go("#/catalog?q=frob-dead")
        self.until(lambda: len(self.all("#catalog-results tbody tr")) == 1, "the replayed frob in the catalog")

    def event_detail(self):
        self.step("event detail: payload and stored metadata")
        self.go("#/events")
        self.click('#recent-events tr[data-topic="frobs"] a')
        self.present("#event-payload pre")
        self.text_in("#event-payload", '"type"')
        self.text_in("#event", "content-type")
        self.present("#event-topic")
        self.shot("ui-event.png")

    def providers(self):
        self.step("providers: counts, last full sync, errors, conflicts")
        self.go("#/providers")
        demo = self.present('#providers tr[data-provider="demo"]')
        self.until(lambda: self.css('#providers tr[data-provider="demo"] td.num').text == "37", "37 demo entities")
        frobs = self.present('#providers tr[data-provider="frobs-demo"]')
        # The full sync ran at start: it has a time.
        assert frobs.find_elements("css selector", "time"), "frobs-demo shows its last full sync"
        del demo
        self.shot("ui-providers.png")

    def scheduler(self):
        self.step("scheduler: tasks, last/next run, trigger")
        self.go("#/scheduler")
        row = 'tr[data-task="frobs-demo"]'
        self.present(row + " td.last-run time")
        before = self.css(row + " td.last-run time").get_attribute("datetime")
        self.text_in(row, "timeout")
        self.click(row + " button[data-action=trigger]")
        self.text_in("#notice", "Triggered frobs-demo")
        self.until(lambda: (self.all(row + " td.last-run time") or [None])[0] is not None
                   and self.css(row + " td.last-run time").get_attribute("datetime") != before,
                   "a new last run after the trigger")
        self.shot("ui-scheduler.png")

    def sign_out(self):
        self.step("sign out: the token is asked for again")
        self.click("#session button")
        self.present("#token")
        self.driver.get(self.base + "/#/events")
        self.present("#token")

    def dump_console(self):
        try:
            for entry in self.driver.get_log("browser"):
                print(f"  console {entry.get('level')}: {entry.get('message')}")
        except Exception:  # noqa: BLE001 - diagnostics only
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--simulator-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshots", default="artifacts/screenshots")
    args = parser.parse_args()

    missing = missing_tools()
    if missing:
        print("SKIP: browser test needs " + ", ".join(missing))
        return 77
    # The whole run is bounded, so a hung browser cannot hang the test suite.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("ui_test.py ran over 420 s")))
    signal.alarm(420)
    os.environ.setdefault("SE_OFFLINE", "true")
    test = UITest(args)
    try:
        test.run()
        print("ui_test.py: all browser checks passed")
        return 0
    except Exception:  # noqa: BLE001 - report every failure the same way
        traceback.print_exc()
        try:
            test.shot("failure.png")
            print("  url: " + test.driver.current_url)
            print("  page text:\n" + test.css("body").text[:3000])
        except Exception:  # noqa: BLE001
            pass
        test.dump_console()
        return 1
    finally:
        test.driver.quit()


if __name__ == "__main__":
    sys.exit(main())
