// The search page (search/index.html): Pagefind's index searched through its JavaScript API,
// with filters by type and by each facet field, and the results drawn here, so that a result
// can show its subtitle and a record whose title is the query comes first. Paths are worked
// out from the page's own address, so the site can live under any sub-path.
(function () {
  "use strict";
  const element = document.getElementById("search");
  if (!element) {
    return;
  }
  const PAGE = 10; // results drawn at a time
  const CHECKBOXES = 8; // a filter with more values than this is a drop-down list instead
  const here = window.location.href;
  const bundles = [element.dataset.bundle].concat(
    (element.dataset.shards || "").split(" ").filter(Boolean)).map(function (url) {
    return new URL(url, here).href;
  });
  const root = new URL(element.dataset.root, here);
  const buckets = Number(element.dataset.exactBuckets) || 1;
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const clear = document.getElementById("search-clear");
  const panel = document.getElementById("search-filters");
  const filters = Array.from(element.querySelectorAll("fieldset[data-filter]"));
  // The words shown, in the page's language: search.html renders them (data-messages) from
  // the message catalogs. A message about a number of records has a form for each plural
  // category of the language ("one", "other", …), chosen here with Intl.PluralRules.
  const language = document.documentElement.lang || undefined;
  const messages = JSON.parse(element.dataset.messages || "{}");
  const plurals = new Intl.PluralRules(language);
  let pagefind = null;
  let totals = {}; // filter -> value -> how many records have it
  let results = [];
  let shown = 0;
  let current = 0; // the number of the latest search: an older one's results are dropped
  let timer = 0;

  function unavailable(error) {
    element.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
    if (error) {
      console.error(error);
    }
  }

  // The same as write/bundle.py's title_key(): without accents, in lower case, only letters
  // and digits, one space between words. Pagefind 1.5.2 gives a record whose title merely
  // contains the query's words the same title boost as one whose title is the query, and its
  // page-length term then favours the short pages; and each shard weighs a word by how rare
  // it is in that shard. So the page called "China", long with the records that link to it,
  // came after every shorter "Bank of China". Each shard has a lookup of its exact titles
  // (in EXACT_BUCKETS files by hash), and the records found there go first, in Pagefind's
  // order; the rest keep Pagefind's order.
  function titleKey(text) {
    return text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function bucketOf(key) {  // FNV-1a of the UTF-8 bytes, 32 bits, as in write/bundle.py
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(key)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    return hash % buckets;
  }

  const lookups = new Map();
  function lookup(url) {
    if (!lookups.has(url)) {
      lookups.set(url, fetch(url).then(function (response) {
        return response.ok ? response.json() : {};
      }).catch(function () {
        return {};
      }));
    }
    return lookups.get(url);
  }

  // The ids (Pagefind's names of the pages' fragments) of the records titled `term`. A name
  // is unique within its shard; that another shard's result has the same one is a chance of
  // about one in a million a query, and would only put that result first as well.
  async function exactIds(term) {
    const key = titleKey(term);
    const ids = new Set();
    if (key) {
      const file = "exact/" + bucketOf(key) + ".json";
      const found = await Promise.all(bundles.map(function (bundle) {
        return lookup(new URL(file, bundle).href);
      }));
      found.forEach(function (titles) {
        (titles[key] || []).forEach(function (id) { ids.add(id); });
      });
    }
    return ids;
  }

  function chosenFilters(without) {
    const chosen = {};
    filters.forEach(function (fieldset) {
      const name = fieldset.dataset.filter;
      const values = Array.from(fieldset.querySelectorAll("input:checked, option:checked"))
        .map(function (control) { return control.value; }).filter(Boolean);
      if (name !== without && values.length) {
        chosen[name] = { any: values };
      }
    });
    return chosen;
  }

  // Message `name` with its %(key)s placeholders filled in from `values`; `values.n`, when
  // given, is a number that chooses the plural form and is shown as the language writes it.
  function say(name, values) {
    let text = messages[name];
    const filled = Object.assign({}, values);
    if (typeof values.n === "number") {
      if (text && typeof text === "object") {
        text = text[plurals.select(values.n)] || text.other;
      }
      filled.n = values.n.toLocaleString(language);
    }
    return String(text || "").replace(/%\((\w+)\)s/g, function (placeholder, key) {
      return Object.prototype.hasOwnProperty.call(filled, key) ? String(filled[key]) : placeholder;
    });
  }

  function compareValues(a, b) {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  // Each filter's values, as checkboxes, or a drop-down list when there are many.
  function drawFilters() {
    let any = false;
    filters.forEach(function (fieldset, number) {
      const values = Object.keys(totals[fieldset.dataset.filter] || {}).sort(compareValues);
      fieldset.hidden = values.length < 2 && fieldset.dataset.filter === "type" || !values.length;
      any = any || !fieldset.hidden;
      const legend = fieldset.querySelector("legend");
      legend.id = "search-filter-" + number;
      if (values.length > CHECKBOXES) {
        const select = document.createElement("select");
        select.setAttribute("aria-labelledby", legend.id);
        select.append(new Option(say("any", {}), ""));
        values.forEach(function (value) { select.append(new Option(value, value)); });
        fieldset.append(select);
      } else {
        values.forEach(function (value) {
          const label = document.createElement("label");
          const box = document.createElement("input");
          box.type = "checkbox";
          box.value = value;
          const count = document.createElement("span");
          count.className = "search-filter-count";
          label.append(box, " " + value + " ", count);
          fieldset.append(label);
        });
      }
    });
    panel.hidden = !any;
  }

  // How many results each value would give: a filter's own choice is left out of its counts,
  // so that ticking a second value of it shows what it would add.
  function drawCounts(counts) {
    filters.forEach(function (fieldset) {
      const these = counts[fieldset.dataset.filter] || {};
      fieldset.querySelectorAll("label").forEach(function (label) {
        const value = label.querySelector("input").value;
        label.querySelector(".search-filter-count").textContent = "(" + (these[value] || 0) + ")";
      });
      fieldset.querySelectorAll("option").forEach(function (option) {
        if (option.value) {
          option.textContent = option.value + " (" + (these[option.value] || 0) + ")";
        }
      });
    });
  }

  async function countsFor(term, found) {
    const counts = Object.assign({}, found.filters);
    const chosen = chosenFilters();
    await Promise.all(Object.keys(chosen).map(async function (name) {
      const others = await pagefind.search(term, { filters: chosenFilters(name) });
      counts[name] = others.filters[name] || {};
    }));
    return counts;
  }

  // Pagefind's excerpt is its text with < and > escaped and the words found in <mark>:
  // drawn here as text, so nothing in a record can become markup.
  function excerptNodes(excerpt) {
    return excerpt.split(/(<mark>|<\/mark>)/).reduce(function (state, part) {
      if (part === "<mark>" || part === "</mark>") {
        state.marked = part === "<mark>";
      } else if (part) {
        const text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
        const node = state.marked ? document.createElement("mark") : document.createTextNode(text);
        if (state.marked) {
          node.textContent = text;
        }
        state.nodes.push(node);
      }
      return state;
    }, { marked: false, nodes: [] }).nodes;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "search-result";
    const title = document.createElement("p");
    title.className = "search-result-title";
    const link = document.createElement("a");
    link.href = data.url;
    const meta = data.meta || {};
    link.textContent = (meta.type ? meta.type + ": " : "") + (meta.title || data.url);
    if (meta.subtitle) {
      const subtitle = document.createElement("span");
      subtitle.className = "subtitle";
      subtitle.textContent = "(" + meta.subtitle + ")";
      link.append(" ", subtitle);
    }
    title.append(link);
    const excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    excerpt.append.apply(excerpt, excerptNodes(data.excerpt || ""));
    item.append(title, excerpt);
    return item;
  }

  async function drawMore(number) {
    const next = results.slice(shown, shown + PAGE);
    const loaded = await Promise.all(next.map(function (result) { return result.data(); }));
    if (number !== current) {
      return;
    }
    loaded.forEach(function (data) { list.append(resultItem(data)); });
    shown += next.length;
    more.hidden = shown >= results.length;
  }

  function describe(count, term) {
    if (!term) {
      return count ? say("filtered", { n: count }) : say("filtered_none", {});
    }
    const name = Object.keys(chosenFilters()).length ? "found_filtered" : "found";
    return count ? say(name, { n: count, term: term }) : say(name + "_none", { term: term });
  }

  async function run() {
    const number = ++current;
    const term = input.value.trim();
    const url = new URL(window.location.href);
    if (term) {
      url.searchParams.set("q", term);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url);
    clear.hidden = !Object.keys(chosenFilters()).length;
    if (!term && clear.hidden) {
      results = [];
      list.textContent = "";
      more.hidden = true;
      status.textContent = "";
      drawCounts(totals);
      return;
    }
    const query = term || null; // null: every record that the filters let through
    const both = await Promise.all([pagefind.search(query, { filters: chosenFilters() }),
                                    term ? exactIds(term) : new Set()]);
    const counts = await countsFor(query, both[0]);
    if (number !== current) {
      return;
    }
    const exact = both[1];
    results = both[0].results.filter(function (r) { return exact.has(r.id); })
      .concat(both[0].results.filter(function (r) { return !exact.has(r.id); }));
    shown = 0;
    list.textContent = "";
    drawCounts(counts);
    await drawMore(number);
    if (number === current) {
      status.textContent = describe(results.length, term);
    }
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 200);
  }

  async function start() {
    pagefind = await import(new URL("pagefind.js", bundles[0]).href);
    const options = { baseUrl: root.pathname, excerptLength: 30 };
    await pagefind.options(options);
    // A big site's index comes in shards, searched together with the first one; the
    // options of the first do not reach them.
    for (const shard of bundles.slice(1)) {
      await pagefind.mergeIndex(shard, options);
    }
    await pagefind.init();
    totals = await pagefind.filters();
    drawFilters();
    drawCounts(totals);
    element.hidden = false;
    input.addEventListener("input", soon);
    element.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    panel.addEventListener("change", run);
    clear.addEventListener("click", function () {
      panel.querySelectorAll("input:checked").forEach(function (box) { box.checked = false; });
      panel.querySelectorAll("select").forEach(function (select) { select.value = ""; });
      run();
      input.focus();
    });
    more.addEventListener("click", async function () {
      const first = shown;
      await drawMore(current);
      const link = list.children[first] && list.children[first].querySelector("a");
      if (link) {
        link.focus(); // the button may be gone; the reader goes on from the first new result
      }
    });
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    input.focus();
    if (input.value) {
      run();
    }
  }

  // Browsers refuse to load the search index into a page opened straight from disk.
  if (window.location.protocol === "file:") {
    unavailable();
  } else {
    start().catch(unavailable);
  }
})();
