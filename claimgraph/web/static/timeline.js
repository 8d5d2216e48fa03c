// The timeline page: events from /api/v1/timeline on a vis-timeline, clustered when dense. Item content is
// a DOM node built with textContent (vis-timeline would read a string as HTML).
"use strict";
(function () {
  var form = document.getElementById("filters");
  var status = document.getElementById("status");
  var panel = document.getElementById("event-panel");
  cg.formFromURL(form);
  var items = new vis.DataSet();
  var events = {};
  var timeline = new vis.Timeline(document.getElementById("timeline"), items, {
    cluster: {maxItems: 4, showStipes: true, fitOnDoubleClick: true},
    stack: true, zoomable: true, height: "480px", xss: {disabled: false}
  });
  window.claimgraphTimeline = timeline;

  function content(e) {
    var span = document.createElement("span");
    span.textContent = e.label + (e.documents > 1 ? " (" + e.documents + " sources)" : "");
    return span;
  }
  function load() {
    var params = cg.query(form, {limit: "5000"});
    status.textContent = "Loading…";
    history.replaceState(null, "", "?" + cg.query(form).toString());
    return cg.getJSON("/api/v1/timeline?" + params.toString()).then(function (res) {
      events = {};
      var list = [];
      res.items.forEach(function (e, i) {
        var start = e.time.start || e.first_reported;
        if (!start) return;
        var end = e.time.end && e.time.end !== start ? e.time.end : null;
        events[i] = e;
        var item = {id: i, start: start, content: content(e), className: "kind-" + e.predicate.toLowerCase()};
        if (end) item.end = end; else item.type = "point";
        list.push(item);
      });
      items.clear();
      items.add(list);
      if (list.length) {
        // the span of the events, widened to at least two months so that a few events on one day do not
        // zoom the axis to milliseconds
        var times = list.map(function (it) { return Date.parse(it.start); })
          .concat(list.map(function (it) { return Date.parse(it.end || it.start); }));
        var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
        var pad = Math.max((hi - lo) * 0.12, 30 * 86400000);
        timeline.setWindow(new Date(lo - pad), new Date(hi + pad), {animation: false});
      }
      status.textContent = list.length + " events" + (res.next ? " (the first 5000)" : "");
      status.setAttribute("data-items", String(list.length));
    }).catch(function (err) { status.textContent = "Error: " + err.message; });
  }
  timeline.on("select", function (props) {
    var e = events[props.items[0]];
    if (!e) return;
    panel.replaceChildren(cg.el("h2", e.label), cg.el("p", (e.time.start || "") + (e.time.end && e.time.end !== e.time.start ? " – " + e.time.end : "") +
      " · " + e.claims + " claims, " + e.documents + " documents", "muted"));
    var ol = cg.el("ol", null, "claims");
    e.sources.forEach(function (s) {
      var li = cg.el("li");
      li.appendChild(cg.link("/documents/" + encodeURIComponent(s.document.id), s.document.title || s.document.source));
      li.appendChild(cg.el("span", " · " + (s.document.published || "undated") + " · " + s.modality, "muted"));
      li.appendChild(cg.el("blockquote", s.evidence));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  load();
})();
