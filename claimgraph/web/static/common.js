// Helpers shared by the pages' scripts. Text from the knowledge base is always set with textContent, never as HTML.
"use strict";
window.cg = {
  el: function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  },
  link: function (href, text) {
    var a = document.createElement("a");
    a.setAttribute("href", href);  // our own paths only (built from ids), never a URL from an article
    a.textContent = String(text);
    return a;
  },
  query: function (form, extra) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== "") params.append(key, String(value).trim());
    });
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    return params;
  },
  getJSON: function (url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error.message : ("HTTP " + r.status));
        return body;
      });
    });
  },
  names: function (list) {
    return (list || []).map(function (e) { return e.name; }).join(", ") || "—";
  },
  formFromURL: function (form) {
    var params = new URLSearchParams(window.location.search);
    params.forEach(function (value, key) {
      var input = form.elements.namedItem(key);
      if (input && "value" in input) input.value = value;
    });
  }
};
