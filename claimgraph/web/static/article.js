// The article page: a click on a finding, claim or reference marks its evidence in the text and scrolls to it.
"use strict";
(function () {
  var text = document.getElementById("text");
  if (!text) return;
  function mark(target) {
    text.querySelectorAll(".marked").forEach(function (e) { e.classList.remove("marked"); });
    var hits = [];
    text.querySelectorAll("[data-ann]").forEach(function (e) {
      if (e.getAttribute("data-ann").split(" ").indexOf(target) >= 0) hits.push(e);
    });
    hits.forEach(function (e) { e.classList.add("marked"); });
    if (hits.length) hits[0].scrollIntoView({block: "center"});
    return hits.length;
  }
  document.querySelectorAll("button.jump").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll("button.jump.active").forEach(function (x) { x.classList.remove("active"); });
      b.classList.add("active");
      mark(b.getAttribute("data-target"));
    });
  });
  // a citation marker in the text marks its entry in the reference list
  text.addEventListener("click", function (ev) {
    var t = ev.target.closest(".cite");
    if (!t) return;
    var ids = t.getAttribute("data-ann").split(" ");
    ids.forEach(function (id) {
      var b = document.querySelector('button.ref-btn[data-target="' + CSS.escape(id) + '"]');
      if (b) { b.click(); b.scrollIntoView({block: "nearest"}); }
    });
  });
  var hit = text.querySelector(".hit");
  if (hit) hit.scrollIntoView({block: "center"});
})();
