// Query page: runs the query with fetch, shows SELECT/ASK results as a table, RDF as text.
// No dependency, no CDN: works offline.
(function () {
  "use strict";
  // The page's language (one language per page).
  const english = document.documentElement.lang === "en";
  function tr(fr, en) { return english ? en : fr; }
  const form = document.getElementById("sparql-form");
  const textarea = document.getElementById("query");
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const endpoint = form.getAttribute("action");

  document.getElementById("examples").addEventListener("change", function (e) {
    textarea.value = examples[Number(e.target.value)].query;
  });

  // People read values: the language tag follows the text, the datatype is a tooltip.
  function cell(term) {
    if (!term) return "";
    if (term.type === "literal") {
      return term["xml:lang"] ? term.value + " @" + term["xml:lang"] : term.value;
    }
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function links(query, graph) {
    const names = graph ? ["ttl", "nt", "rdf", "jsonld"] : ["json", "xml", "csv", "tsv"];
    downloads.textContent = tr("Télécharger : ", "Download: ");
    names.forEach(function (f) {
      const a = document.createElement("a");
      a.href = endpoint + "?" + new URLSearchParams({query: query, format: f, download: "1"});
      a.textContent = f.toUpperCase();
      a.style.marginRight = ".5rem";
      downloads.appendChild(a);
    });
  }

  function table(data) {
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      const th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    const body = t.createTBody();
    data.results.bindings.forEach(function (b) {
      const row = body.insertRow();
      data.head.vars.forEach(function (v) {
        const td = row.insertCell();
        const term = b[v];
        // Only web, mail and FTP addresses become links (a javascript: IRI stays text).
        if (term && term.type === "uri" && /^(https?|mailto|ftp):/i.test(term.value)) {
          const a = document.createElement("a");
          a.href = term.value;
          a.textContent = term.value;
          td.appendChild(a);
        } else {
          td.textContent = cell(term);
          if (term && term.datatype) td.title = term.datatype;
        }
      });
    });
    return t;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const query = textarea.value;
    status.textContent = "…";
    results.replaceChildren();
    const started = performance.now();
    fetch(endpoint, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams({query: query}),
    }).then(function (r) {
      const type = r.headers.get("Content-Type") || "";
      const truncated = r.headers.get("Socle-Result-Truncated") === "true";
      return r.text().then(function (text) {
        const ms = Math.round(performance.now() - started);
        if (!r.ok) {
          let detail = text;
          try { detail = JSON.parse(text).detail; } catch (err) { /* not JSON */ }
          const div = document.createElement("div");
          div.className = "error";
          div.textContent = r.status + " — " + detail;
          results.appendChild(div);
          status.textContent = "";
          return;
        }
        if (type.indexOf("sparql-results+json") >= 0) {
          const data = JSON.parse(text);
          links(query, false);
          if ("boolean" in data) {
            status.textContent = "ASK → " + data.boolean + " (" + ms + " ms)";
            return;
          }
          const n = data.results.bindings.length;
          status.textContent = n + (n === 1 ? tr(" ligne, ", " row, ") : tr(" lignes, ", " rows, ")) +
            ms + " ms" + (truncated ? tr(" — tronqué à la limite", " — cut at the row limit") : "");
          results.appendChild(table(data));
        } else {
          links(query, true);
          status.textContent = ms + " ms" + (truncated ? tr(" — tronqué à la limite", " — cut at the limit") : "");
          const pre = document.createElement("pre");
          pre.textContent = text;
          results.appendChild(pre);
        }
      });
    }).catch(function (err) {
      status.textContent = String(err);
    });
  });
})();
