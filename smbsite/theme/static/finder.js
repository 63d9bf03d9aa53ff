// Partner finder: filters members.json in the page. Without this script the
// page still works through its links to /partners/<specialty>/ and /regions/<state>/,
// and says so. A change of choice replaces the address (the back button leaves
// the finder instead of stepping through every option tried), and the count is
// announced once the choice settles, not once per arrow key.
(function () {
  "use strict";
  var form = document.getElementById("finder");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var status = document.getElementById("finder-status");
  var out = document.getElementById("finder-out");
  var SETTLE = 400; // ms without a change before the count is announced
  var announceTimer = null;
  // A shared link with a choice: keep the rest of the first screen for the results, before
  // the page below is laid out, so the results push nothing down when they arrive.
  if (/[?&](specialty|state|vendor)=[^&]/.test(location.search)) {
    out.style.minHeight = Math.max(0, window.innerHeight - out.getBoundingClientRect().top) + "px";
  }
  var results = document.getElementById("finder-results");
  var list = document.getElementById("finder-list");
  var more = document.getElementById("finder-more");
  var none = document.getElementById("finder-none");
  var fields = { specialty: form.elements.specialty, state: form.elements.state, vendor: form.elements.vendor };
  var PAGE = 60; // cards shown before "Show all": thousands of nodes at once would stall a phone
  var members = null;
  var heading = document.getElementById("results-h");
  heading.setAttribute("tabindex", "-1");
  var showAll = false;

  function label(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) return select.options[i].text;
    }
    return value;
  }

  function fromUrl() {
    var q = new URLSearchParams(location.search);
    Object.keys(fields).forEach(function (k) {
      var v = (q.get(k) || "").toLowerCase();
      var ok = Array.prototype.some.call(fields[k].options, function (o) { return o.value === v; });
      fields[k].value = ok ? v : "";
    });
  }

  function choice() {
    return { specialty: fields.specialty.value, state: fields.state.value, vendor: fields.vendor.value };
  }

  function toUrl(c) {
    var q = new URLSearchParams();
    Object.keys(c).forEach(function (k) { if (c[k]) q.set(k, c[k]); });
    var s = q.toString();
    return location.pathname + (s ? "?" + s : "");
  }

  function matches(m, c) {
    if (m.partnering === false) return false;
    if (c.specialty && m.specialties.indexOf(c.specialty) < 0) return false;
    if (c.vendor && m.vendors.indexOf(c.vendor) < 0) return false;
    if (c.state) {
      var st = c.state.toUpperCase();
      if (m.state !== st && m.serves.indexOf(st) < 0 && m.serves.indexOf("nationwide") < 0) return false;
    }
    return true;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  // The same initials the site's own cards show (smbsite.images.initials).
  var SMALL = ["a", "an", "and", "at", "for", "in", "of", "on", "the", "to"];
  function initials(name) {
    var words = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").match(/[A-Za-z0-9]+/g) || [];
    if (!words.length) return "?";
    var first = words[0];
    if (first.length >= 2 && first.length <= 3 && /^[A-Z]+$/.test(first)) return first;
    var counted = words.filter(function (w) { return SMALL.indexOf(w.toLowerCase()) < 0; });
    if (!counted.length) counted = words;
    return counted.slice(0, 2).map(function (w) { return w[0]; }).join("").toUpperCase();
  }

  // members.json holds absolute addresses of the published site; a preview serves the same paths
  function local(u) {
    try { return new URL(u, location.href).pathname; } catch (e) { return u; }
  }

  function logoBox(m) {
    var box = el("span", { "class": "card-logo" });
    if (m.logo) {
      var attrs = { "class": "logo logo-card", src: local(m.logo.src), width: m.logo.width, height: m.logo.height,
                    alt: "", "aria-hidden": "true", loading: "lazy", decoding: "async" };
      if (m.logo.src2x) attrs.srcset = local(m.logo.src2x) + " 2x";
      box.appendChild(el("img", attrs));
    } else {
      box.appendChild(el("span", { "class": "monogram monogram-card", "aria-hidden": "true" }, initials(m.name)));
    }
    return box;
  }

  // A tel: link for a number as people write it: the digits and a leading +, an extension as
  // ';ext=' (the site's own cards use the same rule: smbsite.core.urls.tel_href)
  function tel(phone) {
    var m = /^(.*?)(?:\s*(?:x|ext\.?)\s*([0-9]+))?\s*$/i.exec(phone.trim());
    var number = m ? m[1] : phone, ext = m ? m[2] : null;
    return "tel:" + (/^\s*\+/.test(number) ? "+" : "") + number.replace(/[^0-9]/g, "") + (ext ? ";ext=" + ext : "");
  }

  // Call, Email, Website: the same buttons as the site's own cards (_contact.html)
  function contact(m) {
    var ul = el("ul", { "class": "contact-buttons", "aria-label": "Contact " + m.name });
    function add(cls, href, text, hidden, rel) {
      var li = el("li"), a = el("a", { "class": cls, href: href }, text);
      if (rel) a.setAttribute("rel", rel);
      a.appendChild(el("span", { "class": "visually-hidden" }, hidden));
      li.appendChild(a);
      ul.appendChild(li);
    }
    if (m.phone) add("button small", tel(m.phone), "Call", " " + m.name);
    if (m.email) add("button small secondary", "mailto:" + m.email, "Email", " " + m.name);
    if (m.website) add("button small secondary", m.website, "Website", " of " + m.name, "noopener");
    return ul.children.length ? ul : null;
  }

  function card(m) {
    var li = el("li", { "class": "card linked" });
    var h = el("h3", { "class": "card-title" });
    var a = el("a", { href: form.dataset.memberBase + m.slug + "/" });
    // a logo stands for the name, as on the site's own cards; a monogram stays outside the link
    if (m.logo && m.logo.width >= 2 * m.logo.height) { // a wordmark (the theme's rule, content.py)
      a.appendChild(logoBox(m));
      a.appendChild(el("span", { "class": "visually-hidden" }, m.name));
    } else {
      li.appendChild(logoBox(m));
      a.textContent = m.name;
    }
    h.appendChild(a);
    li.appendChild(h);
    var where = m.city + ", " + m.state + (m.serves.indexOf("nationwide") >= 0 ? " · works with clients anywhere" : "");
    li.appendChild(el("p", { "class": "meta" }, where));
    li.appendChild(el("p", null, m.summary));
    var buttons = contact(m);
    if (buttons) li.appendChild(buttons);
    var tags = el("ul", { "class": "tags", "aria-label": "Specialties of " + m.name });
    m.specialties.forEach(function (key) {
      var t = el("li");
      t.appendChild(el("a", { href: form.dataset.partnerBase + key + "/" }, label(fields.specialty, key)));
      tags.appendChild(t);
    });
    li.appendChild(tags);
    return li;
  }

  // Where a member stands for a chosen state: 0 based there, 1 serving it from elsewhere,
  // 2 listed only because it works with clients anywhere (never counted as serving the state)
  function reach(m, st) {
    return m.state === st ? 0 : m.serves.indexOf(st) >= 0 ? 1 : 2;
  }

  // [members found, of them listed only as working with clients anywhere]
  function tally(c) {
    var st = c.state.toUpperCase(), n = 0, anywhere = 0;
    members.forEach(function (m) {
      if (!matches(m, c)) return;
      n++;
      if (st && reach(m, st) === 2) anywhere++;
    });
    return [n, anywhere];
  }

  function plural(n, one, many) { return n === 1 ? one : many; }

  // "3 members are based in or serve Nevada. 2 more work with clients anywhere." A member that
  // works anywhere is listed under a state but never counted as one of the state's own.
  function describe(c, t) {
    var n = t[0] - t[1], anywhere = t[1], one = n === 1;
    var s = n === 0 ? "No members" : one ? "1 member" : n + " members";
    var verbs = [];
    if (c.specialty) {
      verbs.push((one ? "offers " : "offer ") + label(fields.specialty, c.specialty) +
                 (c.state ? " in " + label(fields.state, c.state) : ""));
    } else if (c.state) {
      verbs.push((one ? "is based in or serves " : "are based in or serve ") +
                 label(fields.state, c.state));
    }
    if (c.vendor) verbs.push((one ? "partners with " : "partner with ") + label(fields.vendor, c.vendor));
    var text = s + " " + verbs.join(" and ");
    if (!anywhere) return text + ".";
    if (n === 0) return text + ", but " + anywhere + plural(anywhere, " works", " work") + " with clients anywhere.";
    return text + ". " + anywhere + " more " + plural(anywhere, "works", "work") + " with clients anywhere.";
  }

  // A choice with no match is a dead end: offer the same search with one
  // filter dropped, where that finds someone, instead of an empty list.
  function widen(c) {
    none.textContent = "";
    var links = [];
    Object.keys(c).forEach(function (k) {
      if (!c[k]) return;
      var wider = choice();
      wider[k] = "";
      var t = tally(wider);
      if (!t[0] || (!wider.specialty && !wider.state && !wider.vendor)) return;
      var a = el("a", { href: toUrl(wider) }, describe(wider, t).replace(/\.$/, ""));
      a.addEventListener("click", function (e) {
        e.preventDefault();
        fields[k].value = "";
        changed(true);
        heading.focus();
      });
      links.push(a);
    });
    none.appendChild(document.createTextNode(links.length ? "Try instead: " : "Try another choice, or browse by specialty or state below."));
    links.forEach(function (a, i) {
      if (i) none.appendChild(document.createTextNode(" · "));
      none.appendChild(a);
    });
  }

  // The status is a live region: a screen reader speaks each new text, so it is
  // written once the choice has settled.
  function announce(text) {
    if (announceTimer) clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      announceTimer = null;
      if (status.textContent !== text) status.textContent = text;
    }, SETTLE);
  }

  function render() {
    var c = choice();
    if (!members) return;
    list.textContent = "";
    none.hidden = true;
    if (!c.specialty && !c.state && !c.vendor) {
      results.hidden = true;
      announce("Choose a specialty, a state or a vendor to see matching members.");
      return;
    }
    var st = c.state.toUpperCase();
    var found = members.filter(function (m) { return matches(m, c); });
    // members based in the chosen state first: they are the closest to the job; those that work
    // with clients anywhere last
    found.sort(function (a, b) {
      return (st ? reach(a, st) - reach(b, st) : 0) || a.name.localeCompare(b.name);
    });
    var shown = showAll ? found : found.slice(0, PAGE);
    var frag = document.createDocumentFragment();
    shown.forEach(function (m) { frag.appendChild(card(m)); });
    list.appendChild(frag);
    list.hidden = found.length === 0;
    if (found.length === 0) {
      widen(c);
      none.hidden = false;
    }
    results.hidden = false;
    more.hidden = shown.length === found.length;
    more.textContent = "Show all " + found.length + " members";
    announce(describe(c, tally(c)) + (shown.length < found.length ? " Showing the first " + shown.length + "." : ""));
  }

  // push: a new history entry (following a link); otherwise the current one is replaced
  function changed(push) {
    showAll = false;
    out.style.minHeight = ""; // the room kept for results of a shared link is not needed any more
    var next = toUrl(choice());
    if (next !== location.pathname + location.search) {
      if (push === true) history.pushState(choice(), "", next);
      else history.replaceState(choice(), "", next);
    }
    render();
  }

  Object.keys(fields).forEach(function (k) { fields[k].addEventListener("change", function () { changed(false); }); });
  form.addEventListener("submit", function (e) { e.preventDefault(); changed(false); });
  more.addEventListener("click", function () { showAll = true; render(); });
  window.addEventListener("popstate", function () { showAll = false; fromUrl(); render(); });

  fromUrl();
  var c0 = choice();
  if (c0.specialty || c0.state || c0.vendor) status.textContent = "Loading the member list…";
  fetch(form.dataset.members, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (doc) { members = doc.members || []; render(); })
    .catch(function () {
      if (announceTimer) clearTimeout(announceTimer);
      status.textContent = "The member list could not be loaded; browse by specialty or state below.";
    });
})();
