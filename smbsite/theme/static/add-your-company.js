// "Add your company": checks the form as `smbsite check` checks a record, writes
// the member record as YAML and opens GitHub's new-file editor with it.
// The fields' limits, the patterns, the messages and the slug rule are the
// page's (#add-company-rules), which takes them from the content model.
(function () {
  "use strict";
  var form = document.getElementById("add-company");
  var rulesEl = document.getElementById("add-company-rules");
  if (!form || !rulesEl || !String.prototype.normalize || !window.JSON) return;
  var C = JSON.parse(rulesEl.textContent);
  var FIELDS = C.fields, M = C.messages;
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

  function say(key, vars) {
    return M[key].replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m;
    });
  }

  function found(value) {
    var c = chars(value);
    return ", found '" + (c.length <= C.foundMax ? value : c.slice(0, C.foundMax - 1).join("") + "\u2026") + "'";
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
    if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/.test(t)) return yamlString(t);
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
        values[name] = name === "description" ? v : v.trim();
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

  // The first mistake of one field, as the check words it (message, hint), or null.
  function check(name, v) {
    var rule = FIELDS[name], vars = { field: name, value: v };
    if (rule.kind === "list") {
      vars.n = v.length;
      if (rule.minItems && v.length < rule.minItems) {
        vars.min = rule.minItems; vars.s = rule.minItems === 1 ? "" : "s";
        return [say("too_few", vars)];
      }
      if (rule.maxItems && v.length > rule.maxItems) { vars.max = rule.maxItems; return [say("too_many", vars)]; }
      return null;
    }
    if (v === "" || (name === "description" && !v.trim())) return rule.required ? [say("missing", vars)] : null;
    if (rule.kind === "date") return validDate(v) ? null : [say("date", { field: name, found: found(v) })];
    if (rule.kind === "integer") {
      if (!/^[-+]?[0-9]+$/.test(v)) return [say("whole", { field: name, found: found(v) })];
      var n = parseInt(v, 10);
      if (rule.minimum !== undefined && n < rule.minimum) return [say("positive", { field: name, value: n })];
      return null;
    }
    var length = chars(v).length;
    if (rule.maxLength && length > rule.maxLength) {
      vars.max = rule.maxLength; vars.n = length;
      return [say("too_long", vars)];
    }
    if (rule.pattern && !new RegExp(rule.pattern).test(v)) {
      if (name === "website") {
        return [say("url", vars), new RegExp(C.bareAddress).test(v) ? say("url_hint", vars) : ""];
      }
      return [say(name === "email" ? "email" : "phone", { field: name, found: found(v) })];
    }
    if (v.indexOf(C.placeholder) >= 0) return [say("placeholder", vars)];
    if (name === "name" && !slugify(v)) return [say("no_slug", vars)];
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
      error.appendChild(document.createTextNode(problem.text));
      if (problem.link) {
        error.appendChild(document.createTextNode(" "));
        var a = document.createElement("a");
        a.href = problem.link.href;
        a.textContent = problem.link.text;
        error.appendChild(a);
      }
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

  function text(found) { return found[0] + (found[1] ? " \u2014 " + found[1] : ""); }

  function showSummary(problems) {
    summaryList.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#f-" + p.name;
      a.textContent = p.text;
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
      showField(name, found ? { text: text(found) } : null);
      if (found) problems.push({ name: name, text: text(found) });
    });
    return problems;
  }

  // --- the record and GitHub's editor ----------------------------------------------------

  function record(values) {
    var lines = [C.schemaComment];
    C.order.forEach(function (name) {
      var v = values[name], kind = FIELDS[name].kind;
      if (v === "" || (kind === "list" && !v.length) || (name === "description" && !v.trim())) return;
      if (kind === "list") lines.push(name + ": [" + v.map(yamlKey).join(", ") + "]");
      else if (kind === "integer") lines.push(name + ": " + parseInt(v, 10));
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
    return same.length ? same[0].slug : null;
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
        "then open GitHub's editor and paste it in.";
      resultHeading.focus();
      return;
    }
    openLink.href = full;
    statusEl.textContent = "Opening GitHub's editor with members/" + slug + ".yaml\u2026";
    resultHeading.focus();
    window.location.assign(full);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    submitted = true;
    var values = read();
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
        var msg = say("exists", { slug: existing }) + " \u2014 " + say("exists_hint", {});
        showField("name", { text: msg, link: { href: C.editFile + existing + ".yaml",
                                               text: "Edit members/" + existing + ".yaml" } });
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
    var found = check(el.name, read()[el.name]);
    showField(el.name, found ? { text: text(found) } : null);
  }

  // for tests and for other scripts of the site
  window.smbsiteAddCompany = { slugify: slugify, yamlString: yamlString, yamlBlock: yamlBlock, record: record,
                               check: check };

  form.hidden = false;
  var nojs = document.getElementById("add-nojs");
  if (nojs) nojs.hidden = true;
})();
