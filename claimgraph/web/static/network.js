// The network page: actors as nodes (size by mentions), edges = claims grouped by predicate, coloured by
// PLOVER kind, width by sources; filters refetch /api/v1/network; a click on an edge lists its claims.
"use strict";
(function () {
  var form = document.getElementById("filters");
  var status = document.getElementById("status");
  var panel = document.getElementById("edge-panel");
  var colours = {cooperation: "#2e8b57", conflict: "#c82828", neutral: "#808080"};
  cg.formFromURL(form);
  var cy = cytoscape({
    container: document.getElementById("cy"),
    maxZoom: 2,
    textureOnViewport: true,        // large graphs: pan and zoom a snapshot
    hideEdgesOnViewport: true,
    style: [
      {selector: "node", style: {
        "label": "data(name)", "width": "data(size)", "height": "data(size)", "font-size": 10,
        "background-color": "data(colour)", "color": "#222", "text-valign": "bottom", "min-zoomed-font-size": 8}},
      {selector: "edge", style: {
        "width": "data(width)", "line-color": "data(colour)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "opacity": 0.75, "arrow-scale": 0.7}},
      {selector: "edge:selected", style: {"opacity": 1, "line-color": "#111", "target-arrow-color": "#111"}},
      {selector: "node:selected", style: {"border-width": 3, "border-color": "#111"}}
    ]
  });
  window.claimgraphNetwork = cy;  // for the browser tests and the console

  function load() {
    var params = cg.query(form);
    status.textContent = "Loading…";
    history.replaceState(null, "", "?" + params.toString());
    return cg.getJSON("/api/v1/network?" + params.toString()).then(function (net) {
      var els = [];
      net.nodes.forEach(function (n) {
        els.push({group: "nodes", data: {id: n.id, name: n.name, type: n.type, mentions: n.mentions,
          size: 12 + Math.sqrt(n.mentions || 0) * 4, colour: n.colour}});
      });
      net.edges.forEach(function (e) {
        els.push({group: "edges", data: {id: e.id, source: e.source, target: e.target, predicate: e.predicate,
          kind: e.kind, sources: e.sources, claims: e.claims, colour: e.colour || colours[e.kind] || "#808080",
          width: 1 + Math.min(e.sources, 12)}});
      });
      cy.elements().remove();
      cy.add(els);
      // a force-directed layout reads best but costs O(nodes²) per step: above 150 nodes (measured in
      // bench/web_load.py: seconds at 300 nodes on a 2-core machine) rings by mentions instead, the most
      // mentioned in the middle
      var big = net.nodes.length > 150;
      cy.layout(big ? {name: "concentric", concentric: function (n) { return Math.log(1 + n.data("mentions")); },
                       levelWidth: function () { return 0.5; }, minNodeSpacing: 4, animate: false}
                    : {name: "cose", animate: false, randomize: true, nodeRepulsion: 8000}).run();
      status.textContent = net.nodes.length + " nodes, " + net.edges.length + " edges" +
        (net.total_edges > net.edges.length ? " (the " + net.edges.length + " most reported of " + net.total_edges + ")" : "");
      status.setAttribute("data-nodes", String(net.nodes.length));
      status.setAttribute("data-edges", String(net.edges.length));
    }).catch(function (err) {
      status.textContent = "Error: " + err.message;
    });
  }

  function showEdge(edge) {
    var d = edge.data();
    panel.replaceChildren(cg.el("h2", cy.getElementById(d.source).data("name") + " " + d.predicate + " " +
      cy.getElementById(d.target).data("name")), cg.el("p", d.claims + " claims from " + d.sources + " sources", "muted"));
    var params = new URLSearchParams({source: d.source, predicate: d.predicate, target: d.target});
    cg.getJSON("/api/v1/network/edge?" + params.toString()).then(function (res) {
      var ol = cg.el("ol", null, "claims");
      res.claims.forEach(function (c) {
        var li = cg.el("li");
        li.appendChild(cg.el("div", ((c.time || {}).start || c.document.published || "undated") + " · " + c.modality +
          (c.attributed_to ? " (" + c.attributed_to + ")" : ""), "muted"));
        li.appendChild(cg.link("/documents/" + encodeURIComponent(c.document.id) + "?hl=" + c.evidence.start + "-" +
          c.evidence.end, "“" + c.evidence.text + "”"));
        li.appendChild(cg.el("div", c.document.title || c.document.source, "muted"));
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }).catch(function (err) { panel.appendChild(cg.el("p", "Error: " + err.message)); });
  }

  cy.on("tap", "edge", function (ev) { showEdge(ev.target); });
  cy.on("dbltap", "node", function (ev) { window.location.href = "/actors/" + encodeURIComponent(ev.target.id()); });
  cy.on("tap", "node", function (ev) {
    var n = ev.target;
    panel.replaceChildren(cg.el("h2", n.data("name")), cg.el("p", n.data("type") + " · " + n.data("mentions") + " mentions", "muted"),
      cg.link("/actors/" + encodeURIComponent(n.id()), "Open the actor's page"));
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  load();
})();
