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
