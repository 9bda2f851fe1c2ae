"""store/stale.py: which pages name a changed record, read from the store's joined names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.store.stale import _SEARCHED, _finder
from generator.store.state import joined_names, names_in

# Names as pages record them: record keys, "~key", "^key", "@list:company:3", "*", "~*"
# and, from file names, any text but NUL (regular expression characters and line ends too).
NAMES = st.one_of(
    st.sampled_from(["*", "~*", "company:*", "company:acme", "~company:acme", "^company:acme",
                     "company:acme-co", "@list:company:1", "@list:company:10", "a.b", "a\n"]),
    st.text(st.characters(exclude_characters="\0", exclude_categories=()), max_size=8))


@settings(max_examples=300, deadline=None)
@given(deps=st.frozensets(NAMES, max_size=8), touched=st.sets(NAMES, max_size=8))
def test_a_page_is_found_exactly_when_it_names_a_touched_name(
        deps: frozenset[str], touched: set[str]) -> None:
    assert _finder(touched)(joined_names(deps)) == (not deps.isdisjoint(touched))


@settings(max_examples=50, deadline=None)
@given(deps=st.frozensets(NAMES, max_size=8), touched=st.sets(NAMES, max_size=8))
def test_many_touched_names_are_looked_up_one_by_one_with_the_same_answer(
        deps: frozenset[str], touched: set[str]) -> None:
    many = touched | {f"company:{n}" for n in range(_SEARCHED + 1)}
    assert _finder(many)(joined_names(deps)) == (not deps.isdisjoint(many))


@given(st.frozensets(NAMES, max_size=8))
def test_joined_names_come_apart_as_they_were(names: frozenset[str]) -> None:
    assert set(names_in(joined_names(names))) == names
    assert len(names_in(joined_names(names))) == len(names)


def test_the_plain_forms_of_marks_and_backlinks_hold_every_field() -> None:
    """What a record's hash is made from: a field added to one of these must be added to
    plain_marks or plain_backlinks too, or a change to it would leave pages stale."""
    from dataclasses import fields

    from generator.link.backlinks import Backlink, BacklinkGroup
    from generator.link.quotes import Citation, QuoteMark
    from generator.store.stale import plain_backlinks, plain_marks

    assert [f.name for f in fields(QuoteMark)] == ["start", "end", "anchor", "citations"]
    assert [f.name for f in fields(Citation)] == ["record", "fact"]
    assert [f.name for f in fields(BacklinkGroup)] == ["label", "links"]
    assert [f.name for f in fields(Backlink)] == ["record", "fact"]
    mark = QuoteMark(1, 5, "q-1", (Citation("company:acme", 2),))
    assert plain_marks((mark,)) == ((1, 5, "q-1", (("company:acme", 2),)),)
    group = BacklinkGroup("Cited in", (Backlink("company:acme", 2),))
    assert plain_backlinks((group,)) == (("Cited in", (("company:acme", 2),)),)
    assert plain_marks(None) is None and plain_backlinks(None) is None
