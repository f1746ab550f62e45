"""Dashboards of a generated run: no BSN in any page, and every page in headless Chromium
loads without JavaScript errors and draws charts that are not blank.

Data: a generated landing folder (the project's generator, planted violations included) run
through the whole pipeline. Screenshots go to test-artifacts/dashboards/ (git-ignored): look
at them. The browser test (marker `browser`) needs Debian's chromium at /usr/bin/chromium (CI
installs it) and is skipped with that reason otherwise.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest
from filelock import FileLock
from test_dashboards import bsns_in, build_example, input_bsns, shared_dir

from declaratiemonitor.lib import dashboard as render
from declaratiemonitor.paths import REPO_ROOT
from declaratiemonitor.pipeline import run_pipeline

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "dashboards"
PEILDATUM = "2026-11-23"

# Draws every plot to a PNG inside the page and counts its distinct colours: a blank or
# one-colour plot has very few. Runs in the browser, so no image library is needed here.
CHART_CHECK = """
async () => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const out = [];
  for (const gd of plots) {
    const traces = (gd._fullData || []).filter(t => t.visible === true).length;
    const url = await Plotly.toImage(gd, {format: 'png', width: 600, height: 360});
    const img = new Image();
    await new Promise(ok => { img.onload = ok; img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = 600; canvas.height = 360;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, 600, 360).data;
    const colours = new Set();
    for (let i = 0; i < px.length; i += 16) {
      colours.add(px[i] << 16 | px[i + 1] << 8 | px[i + 2]);
    }
    out.push({id: gd.id || '', traces, colours: colours.size,
              marks: gd.querySelectorAll('.overplot path, .overplot image').length});
  }
  return out;
}
"""


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """Landing and output folders of a generated run, built once per test run."""
    root = shared_dir(tmp_path_factory, "dashboards-gegenereerd")
    with FileLock(f"{root}.lock"):
        if not (root / "klaar").exists():
            _build(root)
            (root / "klaar").touch()
    return root


def _build(root: Path) -> None:
    try:
        from declaratiemonitor.lib.generate import generate
    except ImportError:  # no generator: the hand-made example of test_dashboards.py
        build_example(root)
        return
    generate(root / "landing", clients=400, seed=11, peildatum=date.fromisoformat(PEILDATUM))
    run_pipeline(root / "landing", root / "out", peildatum=PEILDATUM)


def test_no_bsn_in_generated_dashboards(generated: Path) -> None:
    bsns = input_bsns(generated / "landing")
    folder = generated / "out" / "dashboards"
    assert bsns and len(list(folder.glob("*.html"))) == 9
    for page in sorted(folder.rglob("*.html")):  # also pages other parts of the run put there
        assert not bsns_in(page.read_text(encoding="utf-8"), bsns), page.name


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "blob:", "about:")) or "://localhost" in url


def _open(browser, path: Path):
    """The page with the network blocked: every request that is not local is aborted and
    reported (the pages must work offline and call no third party)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if _local(route.request.url)
            else (problems.append(f"extern verzoek: {route.request.url}"), route.abort())
        ),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: problems.append(f"verzoek mislukt: {r.url}") if _local(r.url) else None,
    )
    page.on(
        "request",
        lambda r: (
            problems.append(f"netwerk: {r.url}") if "://" in r.url and not _local(r.url) else None
        ),
    )
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def _check_page(browser, folder: Path, slug: str) -> list[str]:
    """Problems found on one page; a full-page screenshot goes to the artifacts."""
    page, problems = _open(browser, folder / f"{slug}.html")
    try:
        if "Peildatum: 23-11-2026" not in page.inner_text("header"):
            problems.append("geen peildatum in de kop")
        charts = [] if slug == "index" else page.evaluate(CHART_CHECK)
        rows = page.locator("table.data tbody tr").count()
        page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True)
    finally:
        page.close()
    if slug != "index":
        problems += [] if charts else ["geen grafieken"]
        problems += [
            f"lege grafiek {c}"
            for c in charts
            if not (c["traces"] and c["marks"] and c["colours"] > 8)
        ]
        problems += [] if rows else ["tabel zonder rijen"]
    return [f"{slug}: {p}" for p in problems]


def _check_signal_table(browser, folder: Path) -> list[str]:
    """Filter on ernst = hoog, open the evidence of the first row."""
    page, problems = _open(browser, folder / "signalen.html")
    try:
        page.locator(".tabel-bediening select").nth(3).select_option("hoog")
        severities = set(page.locator("table.data tbody td:first-child").all_inner_texts())
        page.locator("table.data tbody tr.heeft-detail").first.click()
        detail = page.locator("table.data tr.rij-detail").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "signalen_filter_en_bewijs.png"))
    finally:
        page.close()
    problems += [] if severities == {"hoog"} else [f"filter ernst: {severities}"]
    problems += [] if "Eerst gezien op" in detail else ["geen bewijs na klikken"]
    return [f"signalen: {p}" for p in problems]


def _column(page, header: str) -> set[str]:
    """The texts shown in the data table's column with this header."""
    headers = [h.strip() for h in page.locator("table.data thead th").all_inner_texts()]
    n = headers.index(header) + 1
    return set(
        page.locator(f"table.data tbody tr:not(.rij-detail) td:nth-child({n})").all_inner_texts()
    )


def _check_afhandeling(browser, folder: Path) -> list[str]:
    """Filter the signals on afhandeling = al afgewezen: nothing of theirs was paid."""
    page, problems = _open(browser, folder / "signalen.html")
    try:
        page.locator(".tabel-bediening select").nth(5).select_option("al afgewezen")
        shown = _column(page, "Afhandeling")
        paid = _column(page, "Waarvan betaald")
        page.screenshot(path=str(ARTIFACTS / "signalen_al_afgewezen.png"))
    finally:
        page.close()
    problems += [] if shown == {"al afgewezen"} else [f"filter afhandeling: {shown}"]
    problems += [] if paid == {"€ 0,00"} else [f"betaald bij al afgewezen: {paid}"]
    return [f"signalen: {p}" for p in problems]


def _check_choice(browser, folder: Path) -> list[str]:
    """The allocation chooser of Uitnutting redraws the burn-up."""
    page, problems = _open(browser, folder / "uitnutting.html")
    try:
        choice = page.locator("[data-keuze] select").first
        title = page.locator("[data-keuze] .gtitle").first
        first = title.text_content()
        if choice.locator("option").count() > 1:
            choice.select_option(index=1)
            page.wait_for_timeout(300)
            problems += [] if title.text_content() != first else ["keuze tekent niet opnieuw"]
            page.screenshot(path=str(ARTIFACTS / "uitnutting_tweede_toewijzing.png"))
    finally:
        page.close()
    return [f"uitnutting: {p}" for p in problems]


@pytest.mark.browser
def test_dashboards_in_chromium(generated: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium ontbreekt op /usr/bin/chromium (Debian-pakket 'chromium').")
    from playwright.sync_api import sync_playwright

    dashboards = generated / "out" / "dashboards"
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slugs = ["index", *(render.slug_of(m) for m in render.page_modules())]
    # every page in the folder, also those other parts of the run put there (kwaliteit)
    assert {p.stem for p in dashboards.rglob("*.html")} == set(slugs)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            problems = [p for slug in slugs for p in _check_page(browser, dashboards, slug)]
            problems += _check_signal_table(browser, dashboards)
            problems += _check_afhandeling(browser, dashboards)
            problems += _check_choice(browser, dashboards)
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
    assert len(list(ARTIFACTS.glob("*.png"))) >= len(slugs)


PACK_ARTIFACTS = REPO_ROOT / "test-artifacts" / "aanbieders"


@pytest.mark.browser
def test_feedback_pack_and_provider_page_in_chromium(generated: Path) -> None:
    """The nightly HTML pack offline in Chromium (screen and print), reached from the provider
    page's link; signalen.html#aanbieder=CODE still preselects the provider shown by name."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium ontbreekt op /usr/bin/chromium (Debian-pakket 'chromium').")
    from playwright.sync_api import sync_playwright

    out = generated / "out"
    shutil.rmtree(PACK_ARTIFACTS, ignore_errors=True)
    PACK_ARTIFACTS.mkdir(parents=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, found = _open(browser, out / "dashboards" / "aanbieders.html")
            link = page.locator("table.data tbody a[href^='../aanbieders/']").first
            href = link.get_attribute("href")
            link.click()
            page.wait_for_load_state("load")
            agb = href.split("_")[1]
            problems += found + _check_pack(page, out / "aanbieders", agb)
            page.close()
            page, found = _open(browser, out / "dashboards" / "signalen.html")
            page.goto(page.url + f"#aanbieder={agb}")
            page.reload(wait_until="load")
            chosen = page.locator(".tabel-bediening select").nth(1)
            shown = chosen.locator("option:checked").inner_text()
            providers = _column(page, "Aanbieder")
            page.close()
            problems += found
            problems += [] if shown.endswith(f"({agb})") else [f"voorkeuze aanbieder: {shown}"]
            problems += [] if providers == {shown} else [f"gefilterd op {providers}"]
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def _check_pack(page, folder: Path, agb: str) -> list[str]:
    """Problems of one pack page: content, offline, printable (PDF); screenshots to artifacts."""
    problems = []
    if not page.url.startswith("file:") or f"terugkoppeling_{agb}_" not in page.url:
        problems.append(f"link leidt naar {page.url}")
    heading = page.locator("h1").inner_text()
    if not heading.endswith(agb) and f"({agb})" not in heading:
        problems.append(f"kop {heading}")
    for section in ("#samenvatting", "#signalen", "#bewijs"):
        if not page.locator(f"{section} table tbody tr").count():
            problems.append(f"{section}: tabel zonder rijen")
    excel = page.locator("a[href$='.xlsx']").get_attribute("href")
    if not (folder / excel).is_file():
        problems.append(f"Excel-bestand ontbreekt: {excel}")
    if page.locator("script, link[rel=stylesheet], img").count():
        problems.append("scripts, externe stijlen of afbeeldingen in het pakket")
    page.screenshot(path=str(PACK_ARTIFACTS / "pakket.png"), full_page=True)
    page.emulate_media(media="print")
    if page.locator(".scherm").first.is_visible():
        problems.append("schermlink zichtbaar bij afdrukken")
    page.screenshot(path=str(PACK_ARTIFACTS / "pakket_afdruk.png"))
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    if not pdf.startswith(b"%PDF") or pdf.count(b"/Type /Page") < 1:
        problems.append("geen PDF bij afdrukken")
    (PACK_ARTIFACTS / "pakket.pdf").write_bytes(pdf)
    return problems
