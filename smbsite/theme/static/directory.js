// Member directory: find a member by name. Where the page holds every member's
// card, the cards whose name does not contain what is typed are hidden; where
// the directory is split into letter pages, the slim index (/members/index.json:
// names and slugs only) is searched and the matches listed as links. Without
// this script the box stays hidden and the A-Z list does the job.
(function () {
  "use strict";
  var box = document.getElementById("name-filter");
  if (!box || !window.fetch) return;
  var input = document.getElementById("name-filter-q");
  var status = document.getElementById("name-filter-status");
  var hits = document.getElementById("name-filter-hits");
  var grid = document.getElementById("directory");
  var none = document.getElementById("directory-none");
  var local = box.dataset.here === "all" && grid;
  var SHOWN = 50; // matches listed from the index; more would be a page of its own
  var SETTLE = 500; // ms without typing before the count is announced
  var index = null, loading = null, filterTimer = null, sayTimer = null;

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // the status is a live region: it speaks once typing pauses, not after every letter
  function say(text) {
    if (sayTimer) clearTimeout(sayTimer);
    sayTimer = setTimeout(function () { if (status.textContent !== text) status.textContent = text; }, SETTLE);
  }

  function counted(n, raw) {
    if (n === 0) return "No member\u2019s name contains \u201c" + raw + "\u201d.";
    return n + (n === 1 ? " member\u2019s name contains" : " members\u2019 names contain") + " \u201c" + raw + "\u201d.";
  }

  var cards = !local ? [] : Array.prototype.map.call(grid.children, function (li) {
    var a = li.querySelector("h2 a, h3 a");
    return { li: li, key: fold(a ? a.textContent : "") };
  });

  function filterHere(q, raw) {
    var n = 0;
    cards.forEach(function (c) {
      var ok = !q || c.key.indexOf(q) >= 0;
      c.li.hidden = !ok;
      if (ok) n++;
    });
    grid.classList.toggle("filtering", q !== "");
    if (none) none.hidden = n > 0;
    say(q ? counted(n, raw) : "");
  }

  function load() {
    if (!loading) {
      loading = fetch(box.dataset.index, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (doc) {
          index = (doc.members || []).map(function (m) { return { name: m[0], slug: m[1], key: fold(m[0]) }; });
        });
    }
    return loading;
  }

  function filterIndex(q, raw) {
    if (!q) {
      hits.textContent = "";
      hits.hidden = true;
      say("");
      return;
    }
    load().then(function () {
      if (fold(input.value) !== q) return; // typing went on meanwhile
      var found = index.filter(function (m) { return m.key.indexOf(q) >= 0; });
      // names that start with what was typed first, then A-Z as the index is
      found.sort(function (a, b) { return (a.key.indexOf(q) === 0 ? 0 : 1) - (b.key.indexOf(q) === 0 ? 0 : 1); });
      var frag = document.createDocumentFragment();
      found.slice(0, SHOWN).forEach(function (m) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = box.dataset.memberBase + m.slug + "/";
        a.textContent = m.name;
        li.appendChild(a);
        frag.appendChild(li);
      });
      hits.textContent = "";
      hits.appendChild(frag);
      hits.hidden = found.length === 0;
      say(counted(found.length, raw) + (found.length > SHOWN ? " Showing the first " + SHOWN + "." : ""));
    }).catch(function () {
      status.textContent = "The list of names could not be loaded; pick a letter above.";
    });
  }

  input.addEventListener("input", function () {
    if (filterTimer) clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      var raw = input.value.trim();
      (local ? filterHere : filterIndex)(fold(raw), raw);
    }, local ? 0 : 150);
  });
})();
