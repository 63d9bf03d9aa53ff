// "Add your company": checks the form by the rules `smbsite check` applies to a record,
// says each mistake as an instruction, writes the member record as YAML and opens
// GitHub's new-file editor with it. The fields' rules, the patterns, the words and the
// slug rule are the page's (#add-company-rules), which takes them from the content model.
(function () {
  "use strict";
  var form = document.getElementById("add-company");
  var rulesEl = document.getElementById("add-company-rules");
  if (!form || !rulesEl) return;
  if (!String.prototype.normalize || !window.JSON) { form.hidden = true; return; } // it could not check anything
  var C = JSON.parse(rulesEl.textContent);
  var FIELDS = C.fields, W = C.words;
  var INVISIBLE = new RegExp(C.invisible), BARE = new RegExp(C.bareAddress);
  var summary = document.getElementById("add-errors");
  var summaryList = document.getElementById("add-errors-list");
  var result = document.getElementById("add-result");
  var resultHeading = document.getElementById("add-result-h");
  var statusEl = document.getElementById("add-status");
  var openLink = document.getElementById("add-open");
  var recordEl = document.getElementById("add-record");
  var submitted = false;
  var members = null; // members.json, fetched on the first submit

  // --- text helpers ------------------------------------------------------------------

  function chars(s) { return Array.from(s); } // code points, as Python counts them

  function wellFormed(s) { // a lone surrogate cannot be written to a file
    return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g,
      function (m, before) { return (before || "") + "\ufffd"; });
  }

  function fillIn(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m;
    });
  }

  // A mistake: which of the check's rules the value breaks, and what to do about it.
  function fail(name, rule, vars) { return { rule: rule, text: fillIn(W[name][rule], vars || {}) }; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // What the form writes for what was typed: a web address gets its https://, an empty
  // date the default the page names.
  function normalise(name, v) {
    if (name === "website" && v && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v) && BARE.test(v)) return "https://" + v;
    if (FIELDS[name].default === "today" && v === "") return today();
    if (name === "description") return v.replace(/\r\n?/g, "\n").replace(/\s+$/, "").replace(/^([ \t]*\n)+/, "");
    if (FIELDS[name].kind === "integer" && /^[-+]?[0-9]+\.0*$/.test(v)) return v.replace(/\.0*$/, "");
    return v;
  }

  // smbsite.slugify: fold, decompose, keep ASCII, hyphenate, cut at a hyphen
  function slugify(text, max) {
    max = max || C.slugMax;
    var folded = chars(text).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(C.fold, ch) ? C.fold[ch] : ch;
    }).join("");
    var ascii = folded.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var slug = ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (slug.length > max) {
      var cut = slug.slice(0, max);
      var at = cut.lastIndexOf("-");
      slug = (at >= 0 ? cut.slice(0, at) : cut) || cut;
    }
    return slug.replace(/^-+|-+$/g, "");
  }

  // --- YAML ------------------------------------------------------------------------------

  function hex(c, width) { var h = c.toString(16).toUpperCase(); while (h.length < width) h = "0" + h; return h; }

  // A double-quoted scalar: every character YAML would read differently, or refuse, is escaped.
  function yamlString(s) {
    var out = '"';
    chars(wellFormed(s)).forEach(function (ch) {
      var c = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff ||
               c === 0xfffe || c === 0xffff) out += "\\u" + hex(c, 4);
      else out += ch;
    });
    return out + '"';
  }

  // Keys from a vocabulary (lowercase, digits, hyphens) stay plain unless YAML would read them as something else.
  function yamlKey(s) {
    return /^(y|n|yes|no|on|off|true|false|null|~)$/i.test(s) || /^[-+.0-9]/.test(s) ? yamlString(s) : s;
  }

  // Longer text as a literal block (what people write by hand), unless it holds what a block cannot.
  function yamlBlock(text) {
    var t = wellFormed(text).replace(/\r\n?/g, "\n").replace(/\s+$/, "").replace(/^([ \t]*\n)+/, "");
    if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufeff\ufffe\uffff]/.test(t)) return yamlString(t);
    var lines = t.split("\n");
    return (/^[ \t]/.test(lines[0]) ? "|2" : "|") + "\n" +
      lines.map(function (line) { return line === "" ? "" : "  " + line; }).join("\n");
  }

  // --- reading and checking the form -------------------------------------------------

  function control(name) { return form.elements.namedItem(name); }

  function read() {
    var values = {};
    C.order.forEach(function (name) {
      var rule = FIELDS[name];
      if (rule.kind === "list") {
        values[name] = Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"),
          function (box) { return box.checked; }).map(function (box) { return box.value; });
      } else {
        var el = control(name);
        var v = el ? el.value : "";
        values[name] = normalise(name, name === "description" ? v : v.trim());
      }
    });
    return values;
  }

  function validDate(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) return false;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }

  function isNegative(v) { return v.charAt(0) === "-"; }
  function digitsOf(v) { return v.replace(/^[-+]/, "").replace(/^0+/, ""); }

  // a whole number written in digits against a minimum, without rounding a long one
  function below(v, min) {
    var d = digitsOf(v), m = String(min);
    if (isNegative(v) && d !== "") return true;
    if (d.length !== m.length) return d.length < m.length;
    return d < m;
  }

  // The first rule of the check a field's value breaks, with its words, or null.
  function check(name, v) {
    var rule = FIELDS[name];
    if (rule.kind === "list") {
      if (rule.minItems && v.length < rule.minItems) return fail(name, "too_few", { min: rule.minItems, n: v.length });
      if (rule.maxItems && v.length > rule.maxItems) return fail(name, "too_many", { max: rule.maxItems, n: v.length });
      return null;
    }
    if (v === "" || (name === "description" && !v.trim())) return rule.required ? fail(name, "missing") : null;
    if (rule.kind === "choice") return null;
    if (rule.kind === "date") {
      if (!validDate(v)) return fail(name, "date");
      if (rule.dateMin && (v < rule.dateMin || v > rule.dateMax)) {
        return fail(name, "date_range", { first: rule.dateMin.slice(0, 4), last: rule.dateMax.slice(0, 4) });
      }
      return null;
    }
    if (rule.kind === "integer") {
      if (!/^[-+]?[0-9]+$/.test(v)) return fail(name, "whole");
      if (rule.minimum !== undefined && below(v, rule.minimum)) return fail(name, "positive", { min: rule.minimum });
      return null;
    }
    if (INVISIBLE.test(v)) return fail(name, "invisible");
    if (rule.oneLine && /[\n\r\u2028\u2029]/.test(v)) return fail(name, "one_line");
    var length = chars(v).length;
    if (rule.maxLength && length > rule.maxLength) return fail(name, "too_long", { max: rule.maxLength, n: length });
    if (rule.jsPattern && !new RegExp(rule.jsPattern).test(v)) return fail(name, name === "website" ? "url" : name);
    if (rule.placeholder && v.indexOf(C.placeholder) >= 0) return fail(name, "placeholder");
    if (name === "name" && !slugify(v)) return fail(name, "no_slug");
    return null;
  }

  // --- showing mistakes ----------------------------------------------------------------

  function target(name) { // what a mistake's link focuses: the control, or a group's first box
    if (FIELDS[name].kind === "list") return form.querySelector("input[name='" + name + "']");
    return document.getElementById("f-" + name);
  }

  function showField(name, problem) {
    var error = document.getElementById("f-" + name + "-error");
    var el = FIELDS[name].kind === "list" ? document.getElementById("f-" + name) : target(name);
    if (!error || !el) return;
    var hint = "f-" + name + "-hint";
    error.textContent = "";
    if (problem) {
      error.appendChild(document.createTextNode(problem.text + (problem.links ? ": " : ".")));
      (problem.links || []).forEach(function (link, i) {
        if (i) error.appendChild(document.createTextNode(" or "));
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.text;
        error.appendChild(a);
      });
      if (problem.links) error.appendChild(document.createTextNode("."));
    }
    error.hidden = !problem;
    el.setAttribute("aria-describedby", problem ? hint + " " + error.id : hint);
    if (FIELDS[name].kind === "list") {
      el.classList.toggle("invalid", !!problem);
    } else if (problem) {
      el.setAttribute("aria-invalid", "true");
    } else {
      el.removeAttribute("aria-invalid");
    }
  }

  function showSummary(problems) {
    summaryList.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#f-" + p.name;
      a.textContent = p.text + ".";
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var el = target(p.name);
        if (el) el.focus();
      });
      li.appendChild(a);
      summaryList.appendChild(li);
    });
    document.getElementById("add-errors-h").textContent =
      problems.length === 1 ? "Please correct this first" : "Please correct these " + problems.length + " first";
    summary.hidden = !problems.length;
  }

  function problemsOf(values) {
    var problems = [];
    C.order.forEach(function (name) {
      var found = check(name, values[name]);
      showField(name, found);
      if (found) problems.push({ name: name, text: found.text });
    });
    return problems;
  }

  // --- the record and GitHub's editor ----------------------------------------------------

  function record(values) {
    var lines = [C.schemaComment];
    C.order.forEach(function (name) {
      var v = values[name], kind = FIELDS[name].kind;
      if (v === "" || (kind === "list" && !v.length) || (name === "description" && !v.trim())) return;
      if (name === "serves") {
        var served = v.indexOf("nationwide") >= 0 ? ["nationwide"] : v.filter(function (c) { return c !== values.state; });
        if (served.length) lines.push(name + ": [" + served.map(yamlKey).join(", ") + "]");
      } else if (kind === "list") lines.push(name + ": [" + v.map(yamlKey).join(", ") + "]");
      else if (kind === "integer") lines.push(name + ": " + (isNegative(v) ? "-" : "") + (digitsOf(v) || "0"));
      else if (kind === "date") lines.push(name + ": " + v);
      else if (name === "state" && /^[A-Z]{2}$/.test(v)) lines.push(name + ": " + v);
      else if (name === "description") lines.push(name + ": " + yamlBlock(v));
      else lines.push(name + ": " + yamlString(v));
    });
    return lines.join("\n") + "\n";
  }

  function editorUrl(slug, yaml) {
    var url = C.newFile + "?filename=" + encodeURIComponent("members/" + slug + ".yaml");
    return yaml === undefined ? url : url + "&value=" + encodeURIComponent(yaml);
  }

  function loadMembers() {
    if (members || !window.fetch || !form.dataset.members) return Promise.resolve(members);
    return fetch(form.dataset.members).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) { members = doc && doc.members ? doc.members : null; return members; })
      .catch(function () { return null; });
  }

  // The company may be listed already, under this file name or its own name.
  function listed(slug, name) {
    var folded = name.toLowerCase();
    var same = (members || []).filter(function (m) {
      return m.slug === slug || String(m.name).toLowerCase() === folded;
    });
    return same.length ? same[0] : null;
  }

  function finish(values) {
    var slug = slugify(values.name);
    var yaml = record(values);
    var full = editorUrl(slug, yaml);
    Array.prototype.forEach.call(document.querySelectorAll(".slug-example"), function (el) { el.textContent = slug; });
    recordEl.textContent = yaml;
    result.hidden = false;
    if (full.length > C.maxUrl) {
      openLink.href = editorUrl(slug);
      statusEl.textContent = "Your listing is too long to hand to GitHub in a link. Copy it from the box below, " +
        "then open GitHub’s editor and paste it in.";
      resultHeading.focus();
      return;
    }
    openLink.href = full;
    statusEl.textContent = "Opening GitHub’s editor with members/" + slug + ".yaml\u2026";
    resultHeading.focus();
    window.location.assign(full);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    submitted = true;
    var values = read();
    var site = control("website");
    if (site && values.website) site.value = values.website; // the https:// the form added, shown
    var problems = problemsOf(values);
    showSummary(problems);
    if (problems.length) {
      result.hidden = true;
      summary.focus();
      return;
    }
    loadMembers().then(function () {
      var slug = slugify(values.name);
      var existing = listed(slug, values.name);
      if (existing) {
        var L = C.listed;
        var msg = fillIn(L.exists, { name: existing.name });
        showField("name", { rule: "exists", text: msg, links: [
          { href: form.dataset.memberBase + existing.slug + "/", text: L.see },
          { href: C.editFile + existing.slug + ".yaml", text: L.edit }] });
        showSummary([{ name: "name", text: msg }]);
        summary.focus();
        return;
      }
      finish(values);
    });
  });

  // once a first submit has shown the mistakes, each field's message follows its corrections
  form.addEventListener("input", function (e) { recheck(e.target); });
  form.addEventListener("change", function (e) { recheck(e.target); });

  function recheck(el) {
    if (!submitted || !el || !el.name || !FIELDS[el.name]) return;
    showField(el.name, check(el.name, read()[el.name]));
  }

  // for tests and for other scripts of the site
  // checkTyped and write take values as a person types them, as the form reads and writes them
  window.smbsiteAddCompany = {
    slugify: slugify, yamlString: yamlString, yamlBlock: yamlBlock, record: record, check: check,
    checkTyped: function (name, typed) {
      return check(name, typeof typed !== "string" ? typed : normalise(name, name === "description" ? typed : typed.trim()));
    },
    write: function (typed) {
      var values = {};
      C.order.forEach(function (name) {
        var v = Object.prototype.hasOwnProperty.call(typed, name) ? typed[name] : (FIELDS[name].kind === "list" ? [] : "");
        values[name] = FIELDS[name].kind === "list" ? v : normalise(name, name === "description" ? v : v.trim());
      });
      return record(values);
    }
  };

  // the date a listing is written stands for "member since" until the member corrects it
  Object.keys(FIELDS).forEach(function (name) {
    var el = control(name);
    if (FIELDS[name].default === "today" && el && !el.value) el.value = today();
  });

})();
