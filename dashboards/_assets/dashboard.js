/* Dashboards: Dutch Plotly locale, filterable tables and figure choosers. No network use. */
(function () {
  "use strict";
  var MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
    "september", "oktober", "november", "december"];
  if (window.Plotly) {
    window.Plotly.register({
      moduleType: "locale", name: "nl",
      dictionary: {
        "Autoscale": "Automatisch schalen", "Box Select": "Rechthoek selecteren",
        "Download plot as a png": "Download als PNG", "Download plot": "Download grafiek",
        "Lasso Select": "Lasso selecteren", "Pan": "Verschuiven", "Reset axes": "Assen herstellen",
        "Reset view": "Beeld herstellen", "Zoom": "Zoomen", "Zoom in": "Inzoomen",
        "Zoom out": "Uitzoomen", "Toggle Spike Lines": "Hulplijnen aan/uit",
        "Show closest data on hover": "Dichtstbijzijnde waarde tonen",
        "Compare data on hover": "Waarden vergelijken", "Produced with Plotly.js": "Gemaakt met Plotly",
        "median:": "mediaan:", "mean:": "gemiddelde:", "mean \u00b1 \u03c3:": "gemiddelde \u00b1 \u03c3:",
        "q1:": "Q1:", "q3:": "Q3:", "min:": "min:", "max:": "max:",
        "lower fence:": "ondergrens:", "upper fence:": "bovengrens:", "trace": "reeks"
      },
      format: {
        days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
        months: MAANDEN,
        shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        date: "%d-%m-%Y", decimal: ",", thousands: "."
      }
    });
  }
  var CONFIG = { locale: "nl", displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function klasse(k) { return ((k.n ? "num " : "") + (k.c || "")).trim() || null; }
  function tekst(c) { return (c !== null && typeof c === "object") ? String(c.t) : String(c === null ? "" : c); }
  function zoektekst(c) {  // the display text, and the full value behind a shortened one
    return tekst(c) + ((c !== null && typeof c === "object" && typeof c.s === "string") ? " " + c.s : "");
  }
  function sleutel(c) { return (c !== null && typeof c === "object" && c.s !== undefined) ? c.s : tekst(c); }
  function vergelijk(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b), "nl", { numeric: true });
  }
  function hashFilters() {
    var uit = {};
    decodeURIComponent(window.location.hash.replace(/^#/, "")).split("&").forEach(function (p) {
      var i = p.indexOf("=");
      if (i > 0) { uit[p.slice(0, i)] = p.slice(i + 1); }
    });
    return uit;
  }

  function Tabel(root, spec) {
    this.root = root; this.spec = spec; this.pagina = 0; this.sorteer = null; this.af = false;
    this.keuzes = {}; this.zoek = "";
    this.index = {};
    var self = this;
    spec.kolommen.forEach(function (k, i) { self.index[k.k] = i; });
    this.bouwBediening();
    this.bouwTabel();
    this.toon();
  }
  Tabel.prototype.bouwBediening = function () {
    var self = this, spec = this.spec, balk = el("div", "tabel-bediening"), vooraf = hashFilters();
    (spec.filters || []).forEach(function (key) {
      var i = self.index[key], label = el("label", null, spec.kolommen[i].l), sel = el("select");
      var waarden = {};
      spec.rijen.forEach(function (r) { waarden[tekst(r[i])] = true; });
      sel.appendChild(el("option", null, "(alle)")).value = "";
      Object.keys(waarden).sort(vergelijk).forEach(function (w) {
        sel.appendChild(el("option", null, w)).value = w;
      });
      var gekozen = vooraf[key];
      if (gekozen !== undefined && !waarden[gekozen]) {  // a code: the option "naam (code)"
        gekozen = Object.keys(waarden).filter(function (w) {
          return w.slice(-(gekozen.length + 2)) === "(" + gekozen + ")";
        })[0];
      }
      if (gekozen !== undefined && waarden[gekozen]) { sel.value = gekozen; self.keuzes[key] = gekozen; }
      sel.addEventListener("change", function () { self.keuzes[key] = sel.value; self.pagina = 0; self.toon(); });
      label.appendChild(sel); balk.appendChild(label);
    });
    var zoekLabel = el("label", null, "Zoeken"), zoek = el("input");
    zoek.type = "search"; zoek.placeholder = "tekst in de rij";
    zoek.addEventListener("input", function () { self.zoek = zoek.value.toLowerCase(); self.pagina = 0; self.toon(); });
    zoekLabel.appendChild(zoek); balk.appendChild(zoekLabel);
    if (spec.csv) {
      var knop = el("button", null, "Download CSV");
      knop.type = "button";
      knop.addEventListener("click", function () { self.downloadCsv(); });
      balk.appendChild(knop);
    }
    this.telling = el("span", "tabel-telling");
    balk.appendChild(this.telling);
    this.root.appendChild(balk);
  };
  Tabel.prototype.bouwTabel = function () {
    var self = this, omhulsel = el("div", "tabel-omhulsel"), tabel = el("table", "data");
    var kop = el("thead"), tr = el("tr");
    this.spec.kolommen.forEach(function (k, i) {
      var th = el("th", klasse(k), k.l);
      th.title = "Klik om te sorteren";
      th.addEventListener("click", function () {
        self.af = (self.sorteer === i) ? !self.af : !!k.n;
        self.sorteer = i; self.toon();
      });
      tr.appendChild(th);
    });
    kop.appendChild(tr); tabel.appendChild(kop);
    this.body = el("tbody"); tabel.appendChild(this.body);
    omhulsel.appendChild(tabel); this.root.appendChild(omhulsel);
    this.navigatie = el("div", "tabel-pagina"); this.root.appendChild(this.navigatie);
  };
  Tabel.prototype.gefilterd = function () {
    var self = this, spec = this.spec, rijen = [];
    spec.rijen.forEach(function (r, n) {
      for (var key in self.keuzes) {
        if (self.keuzes[key] && tekst(r[self.index[key]]) !== self.keuzes[key]) { return; }
      }
      if (self.zoek) {
        var alles = r.map(zoektekst).join(" ") + " " + ((spec.details && spec.details[n]) || []).join(" ");
        if (alles.toLowerCase().indexOf(self.zoek) < 0) { return; }
      }
      rijen.push(n);
    });
    if (this.sorteer !== null) {
      var i = this.sorteer, teken = this.af ? -1 : 1;
      rijen.sort(function (a, b) { return teken * vergelijk(sleutel(spec.rijen[a][i]), sleutel(spec.rijen[b][i])) || a - b; });
    }
    return rijen;
  };
  Tabel.prototype.cel = function (c, kolom) {
    var td = el("td", klasse(kolom));
    if (c !== null && typeof c === "object" && c.h) {
      var a = el("a", null, c.t); a.href = c.h; td.appendChild(a);
    } else if (c !== null && typeof c === "object" && c.c) {
      td.appendChild(el("span", c.c, c.t));
    } else if (kolom.c === "breekbaar") {
      td.textContent = tekst(c).replace(/([._])/g, "$1\u200b");
    } else { td.textContent = tekst(c); }
    if (c !== null && typeof c === "object" && c.title) { td.title = c.title; }
    return td;
  };
  Tabel.prototype.toon = function () {
    var self = this, spec = this.spec, rijen = this.gefilterd(), per = spec.per_pagina || 25;
    var paginas = Math.max(1, Math.ceil(rijen.length / per));
    this.pagina = Math.min(this.pagina, paginas - 1);
    this.body.textContent = "";
    rijen.slice(this.pagina * per, (this.pagina + 1) * per).forEach(function (n) {
      var tr = el("tr");
      spec.rijen[n].forEach(function (c, i) { tr.appendChild(self.cel(c, spec.kolommen[i])); });
      self.body.appendChild(tr);
      if (spec.details && spec.details[n] && spec.details[n].length) { self.detail(tr, spec.details[n]); }
    });
    this.telling.textContent = rijen.length.toLocaleString("nl-NL") + " van " +
      spec.rijen.length.toLocaleString("nl-NL") + " rijen";
    this.bladeren(paginas);
  };
  Tabel.prototype.detail = function (tr, regels) {
    var span = this.spec.kolommen.length, rij = null, body = this.body;
    tr.className = "heeft-detail"; tr.title = "Klik voor het bewijs achter dit signaal";
    tr.addEventListener("click", function (e) {
      if (e.target.tagName === "A") { return; }
      if (rij) { rij.remove(); rij = null; return; }
      rij = el("tr", "rij-detail"); var td = el("td"); td.colSpan = span;
      var ul = el("ul");
      regels.forEach(function (r) { ul.appendChild(el("li", null, r)); });
      td.appendChild(ul); rij.appendChild(td);
      body.insertBefore(rij, tr.nextSibling);
    });
  };
  Tabel.prototype.bladeren = function (paginas) {
    var self = this, nav = this.navigatie;
    nav.textContent = "";
    if (paginas <= 1) { return; }
    var terug = el("button", null, "\u2039 vorige"), verder = el("button", null, "volgende \u203a");
    terug.type = verder.type = "button";
    terug.disabled = this.pagina === 0; verder.disabled = this.pagina >= paginas - 1;
    terug.addEventListener("click", function () { self.pagina -= 1; self.toon(); });
    verder.addEventListener("click", function () { self.pagina += 1; self.toon(); });
    nav.appendChild(terug);
    nav.appendChild(el("span", null, "pagina " + (this.pagina + 1) + " van " + paginas));
    nav.appendChild(verder);
  };
  // formula injection: the characters of FORMULA_START in lib/cell_safety.py (a test compares)
  var FORMULE_BEGIN = "=+-@\t\r\n\u0000\uff1d\uff0b\uff0d\uff20";
  function veilig(v) {
    var s = String(v);
    var formule = s !== "" && FORMULE_BEGIN.indexOf(s.charAt(0)) >= 0;
    return formule && !/^[+-]?\d[\d.,]*$/.test(s) ? "'" + s : s;
  }
  Tabel.prototype.downloadCsv = function () {
    var spec = this.spec, regels = [spec.kolommen.map(function (k) { return k.l; })];
    this.gefilterd().forEach(function (n) { regels.push(spec.rijen[n].map(tekst)); });
    var csv = regels.map(function (r) {
      return r.map(function (v) { return '"' + veilig(v).replace(/"/g, '""') + '"'; }).join(";");
    }).join("\r\n");
    var a = el("a"); a.href = URL.createObjectURL(new Blob(["\ufeff" + csv], { type: "text/csv" }));
    a.download = spec.csv; document.body.appendChild(a); a.click(); a.remove();
  };

  function keuze(root, spec) {
    var sel = root.querySelector("select"), div = root.querySelector(".grafiek");
    spec.opties.forEach(function (o, i) { sel.appendChild(el("option", null, o.label)).value = String(i); });
    function teken() {
      var fig = spec.opties[Number(sel.value)].fig;
      window.Plotly.react(div, fig.data, fig.layout, CONFIG);
    }
    sel.addEventListener("change", teken);
    teken();
  }

  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-tabel]").forEach(function (root) {
      new Tabel(root, data(root.getAttribute("data-tabel")));
    });
    document.querySelectorAll("[data-keuze]").forEach(function (root) {
      keuze(root, data(root.getAttribute("data-keuze")));
    });
  });
  window.DASHBOARD_CONFIG = CONFIG;
})();
