"""Long listings: list pages, the A–Z jump, browse pages, capped backlink groups, timeline
years and subtitles, on generated sites of many records (issue 15)."""

from __future__ import annotations

import itertools
import re
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.link.collation import alphabet, letter_of
from generator.render.paging import (
    SHOW_ALL_UP_TO,
    letter_jump,
    letter_starts,
    page_numbers,
    pager,
)
from tests.gates import noindex
from tests.hardening import run_cli
from tests.listsite import REGIONS, write_list_site

TOWNS, FIRMS = 95, 120


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_page_links_name_the_ends_the_neighbours_and_mark_each_gap(case: tuple[int, int]
                                                                    ) -> None:
    count, current = case
    shown = page_numbers(current, count)
    numbers = [n for n in shown if n]
    assert numbers == sorted(set(numbers))
    assert {1, count, current} <= set(numbers)
    if count <= SHOW_ALL_UP_TO:
        assert shown == list(range(1, count + 1))
    assert len(shown) <= (SHOW_ALL_UP_TO if count <= SHOW_ALL_UP_TO else 11)
    for before, gap, after in zip(shown, shown[1:], shown[2:], strict=False):
        if gap == 0:
            assert after - before > 2  # a gap stands for two pages or more
    assert all(b - a == 1 for a, b in itertools.pairwise(shown) if a and b)


@pytest.mark.parametrize(("number", "total", "first", "last", "prev", "next"), [
    (1, 0, 0, 0, "", ""), (1, 10, 1, 10, "", ""), (1, 11, 1, 10, "", "p2"),
    (2, 11, 11, 11, "p1", ""), (5, 95, 41, 50, "p4", "p6"), (10, 95, 91, 95, "p9", "")])
def test_a_pager_says_which_items_a_page_shows(number: int, total: int, first: int, last: int,
                                               prev: str, next: str) -> None:
    shown = pager(number, total, 10, lambda n: f"p{n}")
    assert (shown.first, shown.last, shown.prev_url, shown.next_url) == (first, last, prev, next)


@pytest.mark.parametrize(("title", "letter"), [
    ("Adampur", "A"), ("zürich", "Z"), ("Ελλάδα", "E"), ("Москва", "M"), ("東京", "D"),
    ("Île-de-France", "I"), ("123 Main", "#"), ("«Quoted»", "#"), ("  Spaced", "S"), ("", "#"),
    ("Ñandú", "N"), ("Ägypten", "A")])
def test_a_title_files_under_its_first_letter_in_latin_script(title: str, letter: str) -> None:
    assert letter_of(title, "en") == letter
    assert letter_of(title, "de") == letter


@pytest.mark.parametrize(("title", "letter"), [
    ("Ñandú", "Ñ"), ("ñu", "Ñ"), ("N\u0303o", "Ñ"), ("Nube", "N"), ("Ávila", "A")])
def test_a_spanish_title_files_under_the_letters_of_spanish(title: str, letter: str) -> None:
    assert letter_of(title, "es") == letter
    assert alphabet("es").index("Ñ") == alphabet("es").index("N") + 1


@given(st.lists(st.text(min_size=0, max_size=6), max_size=60), st.integers(1, 7),
       st.sampled_from(["en", "es", "de"]))
def test_each_letter_leads_to_the_page_and_row_of_its_first_title(titles: list[str],
                                                                  size: int, language: str
                                                                  ) -> None:
    starts = letter_starts(titles, language)
    jump = letter_jump(starts, size, lambda n: f"p{n}", language)
    assert [j.letter for j in jump] == [x for x in alphabet(language)
                                        if x != "#" or "#" in starts]
    for j in jump:
        firsts = [i for i, t in enumerate(titles) if letter_of(t, language) == j.letter]
        if not firsts:
            assert j.url == ""
        else:
            assert j.url == f"p{firsts[0] // size + 1}#{j.anchor}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_list_site(tmp_path_factory.mktemp("listsite") / "site", TOWNS, FIRMS)
    outcome = run_cli("build", "--site", root, "--out", root.parent / "out", "--quiet")
    assert outcome.code == 0, outcome.err
    return root.parent / "out"


def html(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def rows(page: str) -> list[str]:
    """The record links of a table's body."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="([^"]+)"', body)


def test_a_list_is_split_into_pages_whose_first_keeps_its_address(site: Path) -> None:
    pages = ["towns/index.html", *(f"towns/page/{n}/index.html" for n in range(2, 11))]
    assert all((site / p).is_file() for p in pages)
    assert not (site / "towns/page/11").exists() and not (site / "towns/page/1").exists()
    seen = [link.rsplit("towns/", 1)[1] for p in pages for link in rows(html(site, p))]
    assert sorted(seen) == sorted(f"town-{i}/index.html" for i in range(TOWNS))
    assert "Towns 11–20 of 95" in html(site, "towns/page/2/index.html")
    assert "Towns 91–95 of 95" in html(site, "towns/page/10/index.html")


def test_list_pages_link_prev_and_next_in_the_head_and_the_page(site: Path) -> None:
    first, middle, last = (html(site, p) for p in ("towns/index.html",
                                                   "towns/page/5/index.html",
                                                   "towns/page/10/index.html"))
    head = [p.split("</head>")[0] for p in (first, middle, last)]
    assert 'rel="next" href="../towns/page/2/index.html"' in head[0] and 'rel="prev"' not in head[0]
    assert 'rel="prev" href="../../../towns/page/4/index.html"' in head[1]
    assert 'rel="next" href="../../../towns/page/6/index.html"' in head[1]
    assert 'rel="next"' not in head[2]
    assert '<a aria-current="page">5</a>' in middle


def test_letters_lead_to_the_row_where_they_start(site: Path) -> None:
    for number in (1, 4):
        rel = "towns/index.html" if number == 1 else f"towns/page/{number}/index.html"
        page = html(site, rel)
        jump = page.split('class="letter-jump"', 1)[1].split("</nav>", 1)[0]
        for href, letter in re.findall(r'<a href="([^"]+)">([A-Z#])</a>', jump):
            target, anchor = (site / rel).parent.joinpath(href).resolve().as_posix().split("#")
            assert f'<tr id="{anchor}">' in Path(target).read_text(encoding="utf-8")
            assert letter in re.findall(r'id="' + anchor + r'">\s*<th scope="row"><a [^>]+>(.)',
                                        Path(target).read_text(encoding="utf-8"))[0].upper()
        assert len(re.findall(r"<li>", jump)) == 26  # no title starts with a digit or sign


def test_two_towns_of_one_name_are_told_apart_and_others_are_not(site: Path) -> None:
    listed = "".join(html(site, p) for p in ["towns/index.html",
                                             *(f"towns/page/{n}/index.html" for n in range(2, 11))])
    subtitles = re.findall(r'Adampur <span class="subtitle">\(([^)]+)\)</span>', listed)
    assert len(subtitles) == len(set(subtitles)) == TOWNS // 10 + (TOWNS % 10 > 3)
    assert listed.count('class="subtitle"') == len(subtitles)
    assert '<p class="subtitle">' in html(site, "towns/town-3/index.html")
    assert 'class="subtitle"' not in html(site, "towns/town-4/index.html")


def test_a_long_backlink_group_shows_fifty_and_links_to_the_rest(site: Path) -> None:
    page = html(site, "towns/town-0/index.html")
    group = page.split("Firms based here</h3>", 1)[1].split("</ul>", 1)[0]
    assert group.count("<li>") == 50
    assert 'class="type-label"' not in group  # all firms: the type is not said fifty times
    assert '<a href="../../towns/town-0/links/firms-based-here/index.html">and 70 more</a>' \
        in page
    pages = ["towns/town-0/links/firms-based-here/index.html",
             *(f"towns/town-0/links/firms-based-here/page/{n}/index.html" for n in range(2, 13))]
    firms = [m for p in pages for m in re.findall(r'firms/(firm-\d+)/index.html', html(site, p))]
    assert sorted(firms) == sorted(f"firm-{i}" for i in range(FIRMS))
    assert not (site / "towns/town-1/links").exists()


def test_browse_pages_list_each_value_with_its_records(site: Path) -> None:
    index = html(site, "towns/by/region/index.html")
    counts = dict(re.findall(r'>([^<]+)</a> <span class="count">(\d+)</span>', index))
    assert sorted(counts) == sorted(REGIONS) and sum(map(int, counts.values())) == TOWNS
    north = rows(html(site, "towns/by/region/north/index.html"))
    assert len(north) == 10 and (site / "towns/by/region/north/page/2/index.html").is_file()
    assert (site / "towns/by/region/ile-de-france/index.html").is_file()
    assert (site / "towns/by/tags/all/page/10/index.html").is_file()
    assert (site / "towns/by/founded/1803/index.html").is_file()
    seat = html(site, "firms/by/seat/index.html")
    assert 'href="../../../firms/by/seat/town-0/index.html">Aburg 0</a>' in seat
    assert 'href="../towns/by/region/index.html">By region</a>' in html(site, "towns/index.html")
    assert 'href="../../towns/by/region/north/index.html">North</a>' in html(
        site, "towns/town-0/index.html")


def test_each_year_of_the_timeline_has_its_pages(site: Path) -> None:
    index = html(site, "timeline/index.html")
    linked = {(site / "timeline").joinpath(href).resolve()
              for href in re.findall(r'href="([^"#]+)"', index)}
    for year in range(1900, 1907):
        assert (site / f"timeline/{year}/index.html").resolve() in linked
    facts = sum(len(re.findall(r'class="fact-record"', p.read_text(encoding="utf-8")))
                for p in (site / "timeline").glob("*/**/index.html"))
    assert facts == TOWNS
    assert (site / "timeline/1900/page/2/index.html").is_file()
    assert len(re.findall(r'class="fact-record"', html(site, "index.html"))) <= 20


def test_every_page_is_reached_from_the_home_page(site: Path) -> None:
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")
             if not noindex(p)} - {"404.html"}
    seen, todo = {"index.html"}, deque(["index.html"])
    while todo:
        rel = todo.popleft()
        for href in re.findall(r'href="([^"#?]+\.html)', html(site, rel)):
            target = (site / rel).parent.joinpath(href).resolve().relative_to(site.resolve())
            if target.as_posix() not in seen and (site / target).is_file():
                seen.add(target.as_posix())
                todo.append(target.as_posix())
    assert pages - seen == set()
