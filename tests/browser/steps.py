"""What the browser journeys do at each step: log in, and record the page."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "rahasia-uji"  # what UserFactory sets
BLOCKING_IMPACTS = ("serious", "critical")

axe = Axe()


def log_in(page: Page, username: str) -> None:
    """Fill and send the login form the page shows, as a person would."""
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata Kunci").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def save_screenshot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{step}.png", full_page=True)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"
        )
        lines.extend(f"    {' > '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any axe violation a screen-reader or keyboard user would be blocked by."""
    violations = [
        violation
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not violations, f"axe on {page.url}:\n{describe_violations(violations)}"


def overflowing_boxes(page: Page) -> list[str]:
    """Boxes whose content spills out sideways, such as a word too long for its card."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((box) => {
                const style = getComputedStyle(box);
                return style.overflowX === "visible" && style.display !== "inline"
                    && box.clientWidth > 0 && box.scrollWidth > box.clientWidth + 1;
            })
            .map((box) => [box.parentElement, box]
                .map((element) => [element.localName, ...element.classList].join("."))
                .join(" > ") + `: ${box.textContent.trim().slice(0, 60)}`)"""
    )


def record_step(page: Page, step: str) -> None:
    """Screenshot first, so a failing scan still leaves the picture behind."""
    save_screenshot(page, step)
    assert_accessible(page)
