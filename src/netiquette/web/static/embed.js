/* netiquette embed: published comments and a comment form under any article.
   <script src="https://<netiquette>/embed.js" data-article="ARTICLE-ID" defer></script>
   Comment text is inserted with textContent only, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var article = script.getAttribute("data-article");
  var base = new URL(script.src, document.baseURI).origin;
  /* Filled in by the server from its gettext catalogues: {language: {key: text}}. */
  var catalogue = /*WORDS*/{};
  var fallback = /*DEFAULT*/"de";
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || fallback).slice(0, 2);
  var words = catalogue[lang] || catalogue[fallback] || {};
  var storeKey = "netiquette:" + base + ":";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* localStorage keeps the reader's id and own comments across visits; where it is not
     available (private mode, sandboxed pages) they live for this page view only. */
  var memory = {};
  function load(key) {
    try { var v = window.localStorage.getItem(storeKey + key); if (v !== null) { return v; } }
    catch (e) { /* no storage */ }
    return memory.hasOwnProperty(key) ? memory[key] : null;
  }
  function save(key, value) {
    memory[key] = value;
    try { window.localStorage.setItem(storeKey + key, value); } catch (e) { /* no storage */ }
  }

  function readerId() {
    var id = load("reader");
    if (!id) {
      var bytes = new Uint8Array(18);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      save("reader", id);
    }
    return id;
  }

  /* The reader's own comments in this browser: {id, url} with the link to each one's page
     (older versions kept bare ids). */
  function ownComments() {
    var list;
    try { list = JSON.parse(load("own:" + article) || "[]"); } catch (e) { list = []; }
    return list.map(function (o) { return typeof o === "string" ? { id: o, url: "" } : o; });
  }

  function remember(id, url) {
    var list = ownComments();
    list.unshift({ id: id, url: /^https?:\/\//.test(url || "") ? url : "" });
    save("own:" + article, JSON.stringify(list.slice(0, 20)));
  }

  var root = el("section", "netiquette-embed");
  script.parentNode.insertBefore(root, script.nextSibling);
  var heading = el("h2", null, words.comments);
  var ownBox = el("section", "netiquette-own-box");
  var ownHeading = el("h3", null, words.own);
  var own = el("ul", "netiquette-own");
  ownBox.appendChild(ownHeading); ownBox.appendChild(own); ownBox.hidden = true;
  var list = el("ul", "netiquette-thread");
  var form = el("form", "netiquette-form");
  var nameInput = el("input"); nameInput.name = "name"; nameInput.required = true; nameInput.placeholder = words.name;
  nameInput.setAttribute("aria-label", words.name);
  var textInput = el("textarea"); textInput.name = "text"; textInput.required = true; textInput.placeholder = words.text;
  textInput.setAttribute("aria-label", words.text);
  var mailInput = el("input"); mailInput.name = "notify_email"; mailInput.type = "email"; mailInput.placeholder = words.email;
  mailInput.setAttribute("aria-label", words.email); mailInput.autocomplete = "email";
  var button = el("button", null, words.send); button.type = "submit";
  var problem = el("p", "netiquette-error");
  form.appendChild(nameInput); form.appendChild(textInput); form.appendChild(mailInput); form.appendChild(button); form.appendChild(problem);
  root.appendChild(heading); root.appendChild(form); root.appendChild(ownBox); root.appendChild(list);

  function renderComment(c) {
    var item = el("li", "netiquette-comment");
    item.appendChild(el("strong", null, c.author.name));
    item.appendChild(el("p", null, c.text));
    if (c.replies && c.replies.length) {
      var replies = el("ul", "netiquette-replies");
      c.replies.forEach(function (r) { replies.appendChild(renderComment(r)); });
      item.appendChild(replies);
    }
    return item;
  }

  function loadThread() {
    fetch(base + "/embed/articles/" + encodeURIComponent(article))
      .then(function (r) { return r.json(); })
      .then(function (body) {
        list.textContent = "";
        heading.textContent = words.comments + " (" + (body.total || 0) + ")";
        if (!body.comments || !body.comments.length) { list.appendChild(el("li", "netiquette-none", words.none)); }
        (body.comments || []).forEach(function (c) { list.appendChild(renderComment(c)); });
      });
  }

  function loadOwn() {
    own.textContent = "";
    var mine = ownComments();
    ownBox.hidden = !mine.length;
    mine.forEach(function (o) {
      var item = el("li", "netiquette-own-status");
      own.appendChild(item);  /* keeps the order, whatever answers first */
      fetch(base + "/embed/comments/" + encodeURIComponent(o.id) + "?reader=" + readerId() + "&lang=" + lang)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { own.removeChild(item); return; }
          item.className += " netiquette-" + s.status;
          var text = s.status === "approved" ? words.published : s.status === "rejected" ? words.rejected
            : words.pending + " – " + s.wait_text;
          item.appendChild(el("span", null, text));
          if (s.text) { item.appendChild(el("p", null, s.text)); }
          if (o.url) {
            var link = el("a", "netiquette-own-link", words.link);
            link.href = o.url; link.rel = "noreferrer";
            item.appendChild(link);
          }
        });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.textContent = "";
    // URL-encoded like a page's own form: the server cleans such a form of pasted control
    // characters instead of refusing the comment.
    var data = new URLSearchParams();
    data.append("name", nameInput.value);
    data.append("text", textInput.value);
    data.append("reader", readerId());
    data.append("notify_email", mailInput.value);
    data.append("lang", lang);
    fetch(base + "/embed/articles/" + encodeURIComponent(article) + "/comments", { method: "POST", body: data })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.error) { problem.textContent = body.error.message; return; }
        remember(body.id, body.public_status_url);
        textInput.value = "";
        loadOwn();
        loadThread();
      });
  });

  loadThread();
  loadOwn();
})();
