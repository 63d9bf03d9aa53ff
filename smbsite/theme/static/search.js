// Site search: reads ?q= and asks the Pagefind index that `smbsite build` writes
// into pagefind/. Without JavaScript the page says so and links to the directory.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || !window.URLSearchParams) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  input.value = query;
  if (!query) { input.focus(); return; }
  document.title = query + " · " + document.title;
  status.textContent = "Searching…";

  function item(data) {
    var li = document.createElement("li");
    if (data.meta && data.meta.type) { // what the page is: member, vendor, event, news or page
      var type = document.createElement("span");
      type.className = "result-type";
      type.textContent = data.meta.type;
      li.appendChild(type);
      li.appendChild(document.createTextNode(" "));
    }
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(a);
    if (data.excerpt) {
      var p = document.createElement("p");
      // the excerpt is text from the index with <mark> around the matches; only the marks are kept
      data.excerpt.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
        if (part === "<mark>") return true;
        if (part === "</mark>") return false;
        var text = document.createTextNode(decode(part));
        if (marked) {
          var m = document.createElement("mark");
          m.appendChild(text);
          p.appendChild(m);
        } else {
          p.appendChild(text);
        }
        return marked;
      }, false);
      li.appendChild(p);
    }
    return li;
  }

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
  function decode(text) { // the excerpt's character references, back to characters (never parsed as markup)
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (whole, name) {
      if (name[0] === "#") {
        var code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name.toLowerCase()) ? ENTITIES[name.toLowerCase()] : whole;
    });
  }

  import(box.getAttribute("data-bundle") + "pagefind.js").then(function (pagefind) {
    return pagefind.options({ baseUrl: box.getAttribute("data-base") }).then(function () {
      return pagefind.search(query);
    });
  }).then(function (search) {
    return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
  }).then(function (found) {
    found.forEach(function (data) { list.appendChild(item(data)); });
    status.textContent = found.length === 0 ? "Nothing found for “" + query + "”."
      : (found.length === 30 ? "The first 30 pages" : found.length + (found.length === 1 ? " page" : " pages")) +
        " found for “" + query + "”.";
  }).catch(function () {
    status.textContent = "The search index is not available here (smbsite build writes it).";
  });
})();
