"""Site templates run in a sandbox: no way out to Python, the disk or the build's settings.

A site's templates may come from a pull request that a CI builds, so every way a Jinja2
template is known to reach Python (`__globals__`, `__class__.__mro__`, `__subclasses__`,
the internals of the globals, format strings, `attr()` and `map(attribute=…)`) must end
as `templates/x.html:line:col: error: …` and exit 1 without running anything; mutation,
huge ranges and repetitions, and recursion without end are errors too. What templates
are meant to do keeps working.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.build import check_site
from generator.render import engine
from generator.render.batch import RenderedPage, render_site
from generator.render.pageset import BACKLINKS_SHOWN
from generator.render.views import LinkView
from tests.conftest import copy_case
from tests.hardening import BuiltSite, built_basic_site, error_lines
from tests.listsite import write_list_site

COMPANY = "templates/company.html"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, where the build keeps its secret key."""
    home = tmp_path / "cache"
    home.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def built(tmp_path: Path, cache_home: Path) -> BuiltSite:
    return built_basic_site(tmp_path / "w")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> jinja2.Environment:
    """The environment a build of the basic site renders with."""
    return check_site(copy_case("basic", tmp_path_factory.mktemp("env"))).env


def _render(env: jinja2.Environment, source: str) -> str:
    context = {"record": LinkView("Acme", "../acme/", "Company"), "root": "../"}
    return env.from_string(source).render(context)


# Every way of asking for an attribute, and the objects a template can name.
FORMS = {
    "dot": "{{{{ {obj}.{name} }}}}",
    "subscript": '{{{{ {obj}["{name}"] }}}}',
    "attr-filter": '{{{{ {obj} | attr("{name}") }}}}',
    "map-attribute": '{{{{ [{obj}] | map(attribute="{name}") | first }}}}',
    "format-field": '{{{{ "{{0.{name}}}".format({obj}) }}}}',
    "format-map": '{{{{ "{{x.{name}}}".format_map({{"x": {obj}}}) }}}}',
    "markup-format": '{{{{ ("{{0.{name}}}" | safe).format({obj}) }}}}',
}
OBJECTS = ["record", "lipsum", "range", "cycler", "joiner", "namespace", "dict", "self",
           "loop", "loop.cycle", "'text'", "1", "[1]", "{'a': 1}", "cycler(1, 2)",
           "namespace(a=1)", "joiner()", "record.title.upper", "caller_macro"]
DUNDERS = ["__class__", "__globals__", "__init__", "__dict__", "__subclasses__", "__mro__",
           "__base__", "__bases__", "__builtins__", "__code__", "__self__", "__func__",
           "__reduce_ex__", "__getattribute__", "__module__", "__closure__", "__wrapped__",
           "_private", "_TemplateReference__context", "_environment", "_Namespace__attrs",
           "mro", "gi_frame", "f_globals"]


def _wrapped(source: str) -> str:
    """`source` where `loop` and a macro exist too."""
    return ("{% macro caller_macro() %}x{% endmacro %}"
            "{% for _item in [1] %}" + source + "{% endfor %}")


@pytest.mark.parametrize(("form", "name"), list(itertools.product(sorted(FORMS), DUNDERS)))
def test_no_form_of_access_reaches_python_internals(env: jinja2.Environment, form: str,
                                                    name: str) -> None:
    for obj in OBJECTS:
        source = _wrapped(FORMS[form].format(obj=obj, name=name))
        with pytest.raises(jinja2.TemplateError) as raised:
            _render(env, source)
        message = str(raised.value)
        assert "is not allowed in a template" in message or "has no attribute" in message \
            or "is undefined" in message, (source, message)


MUTATIONS = ["{% set x = [1] %}{{ x.append(2) }}", "{% set x = [1] %}{{ x.extend([2]) }}",
             "{% set x = [2, 1] %}{{ x.sort() }}", "{% set x = [1] %}{{ x.pop() }}",
             "{% set x = [1] %}{{ x.clear() }}", "{% set x = [1] %}{{ x.insert(0, 1) }}",
             "{% set d = {} %}{{ d.update(a=1) }}", "{% set d = {} %}{{ d.setdefault('a') }}",
             "{% set d = {'a': 1} %}{{ d.pop('a') }}", "{% set d = {'a': 1} %}{{ d.popitem() }}",
             "{% set d = {'a': 1} %}{{ d.clear() }}",
             "{% set s = [1]|unique|list %}{{ s.remove(1) }}"]


@pytest.mark.parametrize("source", MUTATIONS)
def test_lists_and_dicts_cannot_be_changed(env: jinja2.Environment, source: str) -> None:
    with pytest.raises(jinja2.exceptions.SecurityError,
                       match=r"it would change the (list|dict), and templates only read"):
        _render(env, source)


# Whole builds: each escape ends as an error at the template's line, and nothing ran.
ESCAPES = {
    "lipsum-globals-os": (1, '{{ lipsum.__globals__["os"].popen("touch SENTINEL").read() }}',
                          "'__globals__' of a function is not allowed in a template"),
    "range-globals": (1, '{{ range.__globals__["PAGE_SECONDS"] }}', "'__globals__' of a function"),
    "mro-subclasses": (1, "{{ ''.__class__.__mro__[1].__subclasses__() }}", "'__class__' of a str"),
    "base-subclasses": (1, "{{ ().__class__.__base__.__subclasses__() }}",
                        "'__class__' of a tuple"),
    "cycler-internals": (1, "{{ cycler.__init__.__globals__.os.system('touch SENTINEL') }}",
                         "'__init__' of a type"),
    "joiner-internals": (1, "{{ joiner.__init__.__globals__ }}", "'__init__' of a type"),
    "namespace-internals": (1, "{{ namespace.__init__.__globals__ }}", "'__init__' of a type"),
    "self-init": (1, "{{ self.__init__.__globals__ }}", "'__init__' of a TemplateReference"),
    "self-context": (1, "{{ self._TemplateReference__context.environment }}",
                     "'_TemplateReference__context' of a TemplateReference"),
    "format-string": (2, '<p>\n{{ "{0.__class__.__init__.__globals__}".format(record) }}',
                      "'__class__' of a RecordView"),
    "format-map": (1, '{{ "{x.__class__}".format_map({"x": record}) }}',
                   "'__class__' of a RecordView"),
    "attr-filter": (1, '{{ record | attr("__class__") | attr("__mro__") }}',
                    "'__class__' of a RecordView"),
    "map-attribute": (1, "{{ record.facts | map(attribute='__class__') | list }}",
                      "'__class__' of a FactView"),
    "map-dotted": (1, "{{ [record] | map(attribute='__class__.__mro__') | list }}",
                   "'__class__' of a RecordView"),
    "list-append": (1, "{% set x = [] %}{{ x.append(record) }}", "'append' of a list"),
    "dict-update": (1, "{% set d = {} %}{{ d.update(a=1) }}", "'update' of a dict"),
    "huge-range": (1, "{{ range(10**9) | list }}",
                      "OverflowError: range() of 1,000,000,000 numbers"),
    "loop-cycle-self": (1, "{% for x in [1, 2] %}{{ loop.cycle.__self__ }}{% endfor %}",
                        "'__self__' of a method"),
    "loop-internals": (1, "{% for x in [1] %}{{ loop._iterator }}{% endfor %}",
                       "'_iterator' of a LoopContext"),
    "huge-repeat": (1, "{{ 'x' * 10**10 }}",
                       "OverflowError: '*' would make 10,000,000,000 characters"),
    "huge-list-repeat": (1, "{{ [0] * 10**9 }}",
                         "OverflowError: '*' would make 1,000,000,000 characters or items"),
    "huge-power": (1, "{{ 10 ** 100000 }}",
                      "OverflowError: '**' would make a number of more than 4,300 digits"),
    "huge-lipsum": (1, "{{ lipsum(10**9) }}",
                       "OverflowError: lipsum() of 1,000,000,000 paragraphs"),
    "recursive-loop": (1, "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
                       "templates call themselves without end (templates/company.html:1 → "
                       "again)"),
    "macro-calls-itself": (2, "{% macro f(n) %}\n{{ f(n + 1) }}\n{% endmacro %}\n{{ f(0) }}",
                           "templates call themselves without end (templates/company.html:2 → "
                           "again)"),
    "macros-call-each-other": (1, "{% macro a() %}{{ b() }}{% endmacro %}\n"
                               "{% macro b() %}{{ a() }}{% endmacro %}\n{{ a() }}",
                               "templates call themselves without end (templates/company.html:1 "
                               "→ templates/company.html:2 → again)"),
    "macro-includes-its-template": (1, "{% macro m() %}{% include 'company.html' %}{% endmacro %}"
                                    "{{ m() }}", "templates call themselves without end"),
    "include-passwd": (1, "{% include '../../etc/passwd' %}", "no template '../../etc/passwd'"),
    "include-absolute": (1, "{% include '/etc/passwd' %}", "no template '/etc/passwd'"),
    "include-site-yaml": (1, "{% include '../site.yaml' %}", "no template '../site.yaml'"),
    "import-outside": (1, "{% import '../../../generator/errors.py' as m %}", "no template"),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escapes_are_errors_at_the_template_line(built: BuiltSite, cache_home: Path,
                                                 name: str) -> None:
    line, source, message = ESCAPES[name]
    sentinel = built.root / "SENTINEL"
    source = source.replace("SENTINEL", str(sentinel))
    before = engine.PAGE_SECONDS
    err = built.refused({COMPANY: source + "\n"})
    lines = error_lines(err)
    assert lines and all(text.startswith(f"{COMPANY}:{line}:1: error: template error: {message}")
                         for text in lines), lines
    assert not sentinel.exists()  # the command never ran
    assert before == engine.PAGE_SECONDS
    for key in _files(cache_home):
        assert key.hex() not in err and repr(key)[2:-1] not in err


def _files(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()]


def test_the_cache_key_exists_to_be_protected(built: BuiltSite, cache_home: Path) -> None:
    """The escapes above are checked against a real key (else the check would be empty)."""
    assert any(len(key) >= 16 for key in _files(cache_home))


# What templates are meant to do still works, and some odd things are harmless.
ALLOWED = {
    "namespace-counter": ("{% set ns = namespace(n=0) %}{% for i in range(3) %}"
                          "{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}", "3"),
    "namespace-dunder-key": ("{% set ns = namespace(a=1) %}{% set ns.__class__ = 2 %}{{ ns.a }}",
                             "1"),
    "new-list": ("{% set x = [1] + [2] %}{{ x | join(',') }}", "1,2"),
    "new-dict": ("{% set d = dict({'a': 1}, b=2) %}{{ d | dictsort | map('last') | join }}",
                 "12"),
    "cycler-and-joiner": ("{% set c = cycler('a', 'b') %}{% set j = joiner('-') %}"
                          "{% for i in range(3) %}{{ j() }}{{ c.next() }}{% endfor %}",
                          "a-b-a"),
    "loop-cycle": ("{% for i in range(3) %}{{ loop.cycle('x', 'y') }}{% endfor %}", "xyx"),
    "format-fields": ('{{ "{0.title} {1}".format(record, 2) }}', "Acme Corporation 2"),
    "percent-format": ('{{ "%s=%d" % ("n", 3) }}', "n=3"),
    "attr-and-map": ("{{ record | attr('title') }} {{ [record] | map(attribute='slug') | join }}",
                     "Acme Corporation acme"),
    "bounded-recursion": ("{% macro down(n) %}{{ n }}{% if n %}{{ down(n - 1) }}{% endif %}"
                          "{% endmacro %}{{ down(30) | length }}", "52"),
    "range-at-the-cap": ("{{ range(100000) | length }}", "100000"),
    "repeat-at-the-cap": ("{{ ('x' * 1000000) | length }}", "1000000"),
    "power": ("{{ 2 ** 64 }} {{ 1.5 ** 2 }} {{ 1 ** 10**12 }} {{ 2 ** -1 }}",
              "18446744073709551616 2.25 1 0.5"),
    "str-methods": ("{{ record.title.upper() }} {{ 'a,b'.split(',') | join('+') }}",
                    "ACME CORPORATION a+b"),
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_ordinary_templates_still_work(built: BuiltSite, name: str) -> None:
    source, expected = ALLOWED[name]
    built.write({COMPANY: source + "\n"})
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    assert (built.out / "companies/acme/index.html").read_text().strip() == expected


def test_the_environment_is_jinjas_immutable_sandbox(env: jinja2.Environment) -> None:
    assert isinstance(env, ImmutableSandboxedEnvironment)
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined


def test_the_theme_renders_in_the_sandbox(tmp_path: Path) -> None:
    """Every built-in template is used by the pages of the basic site, the trust case
    (corrections, redirects) and a site of long listings (browse pages, backlink groups of
    their own), and they all render."""
    rendered = []
    for site in (copy_case("basic", tmp_path), copy_case("trust", tmp_path),
                 write_list_site(tmp_path / "many", towns=12, firms=BACKLINKS_SHOWN + 1)):
        rendered += list(render_site(check_site(site), site))
    failed = [page for page in rendered if not isinstance(page, RenderedPage)]
    assert rendered and not failed, failed[:3]
    used = set().union(*(page.templates for page in rendered if isinstance(page, RenderedPage)))
    theme = {path.name for path in (engine.THEME_DIR / "templates").iterdir()}
    assert theme <= used, theme - used
