/* netiquette workspace: keyboard shortcuts, CSRF header for htmx, undo countdown.
   Loaded as a file (the Content-Security-Policy forbids inline scripts). No comment text is
   ever inserted here: the server renders all of it, escaped. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  /* While a request is out, and until its answer has settled, keys are ignored: a decision
     key must never land on a comment the moderator has not seen yet. */
  var busy = false;
  function setBusy(on) {
    busy = on;
    if (on) { document.body.setAttribute("data-busy", "1"); }
    else { document.body.removeAttribute("data-busy"); }
  }
  document.addEventListener("htmx:beforeRequest", function () { setBusy(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { setBusy(false); }
  });
  document.addEventListener("htmx:afterSettle", function () { setBusy(false); });

  var rejectMode = false;
  function setRejectMode(on) {
    rejectMode = on;
    document.body.classList.toggle("reject-mode", on);
  }

  function press(key) {
    var el = document.querySelector('[data-key="' + key + '"]');
    if (!el || el.disabled) { return false; }
    el.click();
    return true;
  }

  function toggleHelp() {
    var dialog = document.getElementById("keys");
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-open-keys]")) { toggleHelp(); }
    if (target && target.matches && target.matches("[data-select-all]")) {
      var boxes = document.querySelectorAll('input[name="ids"]');
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = target.checked; }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var el = event.target;
    var typing = el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" ||
      el.tagName === "SELECT" || el.isContentEditable);
    if (event.key === "Escape") {
      setRejectMode(false);
      if (typing) { el.blur(); }
      return;
    }
    if (typing || busy) { return; }
    var dialog = document.getElementById("keys");
    if (dialog && dialog.open && event.key !== "?") { return; }
    if (rejectMode) {
      setRejectMode(false);
      if (/^[1-9]$/.test(event.key)) {  /* the site's rules: keys 1-9 */
        event.preventDefault();
        press("r" + event.key);
        return;
      }
    }
    var handled = true;
    switch (event.key) {
      case "j": handled = press("j"); break;
      case "k": handled = press("k"); break;
      case "a": handled = press("a"); break;
      case "u": handled = press("u"); break;
      case "r": handled = !!document.querySelector('[data-key="r1"]'); if (handled) { setRejectMode(true); } break;
      case "n":
        var note = document.getElementById("note");
        handled = !!note;
        if (note) { note.focus(); }
        break;
      case "?": toggleHelp(); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  /* The undo bar disappears when the server's 10-second window has passed. */
  var timer = null;
  function startCountdown() {
    if (timer) { clearInterval(timer); timer = null; }
    var bar = document.getElementById("undo-form");
    if (!bar) { return; }
    var left = parseInt(bar.getAttribute("data-seconds"), 10) || 0;
    var label = bar.querySelector(".countdown");
    function tick() {
      if (left <= 0) {
        clearInterval(timer); timer = null;
        if (bar.parentNode) { bar.parentNode.removeChild(bar); }
        return;
      }
      if (label) { label.textContent = left + " s"; }
      left -= 1;
    }
    tick();
    timer = setInterval(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", startCountdown);
  document.addEventListener("htmx:afterSettle", function () {
    setRejectMode(false);
    startCountdown();
  });

  /* Bulk decisions ask once more in the browser before the confirmation page posts. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.id === "bulk") {
      var any = form.querySelector('input[name="ids"]:checked, input[name="all"]:checked');
      if (!any) { event.preventDefault(); }
    }
  });
})();
