// Behaviour hooked on data-* attributes (no inline script: the CSP forbids it).
document.addEventListener("change", function (event) {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) {
    target.form.requestSubmit();
  }
  if (target.matches("[data-check-all]")) {
    document.querySelectorAll(target.dataset.checkAll).forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});

// Keyboard and screen-reader users keep their place (issue 18): after every htmx update the focus goes
// to the first refused field (aria-invalid, its message tied by aria-describedby), else to the first
// error, else to the updated region's heading; success and error messages are read out through the
// live region of base.html (#annonces). Escape (or « Annuler ») closes a form opened in place and gives
// the region back as it was, focus on the button that opened it.
(function () {
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  const opened = new WeakMap(); // region -> {nodes, openerHref} before an htmx GET put a form in it

  function announce(text) {
    const region = document.getElementById("annonces");
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!region || !text) return;
    // Emptied first, filled a moment later: the same words twice in a row are read twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 100);
  }

  function focusOn(element) {
    if (!element) return;
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  function firstProblem(root) {
    return root.querySelector('[aria-invalid="true"]') || root.querySelector('[role="alert"]');
  }

  function messagesIn(root) {
    return Array.prototype.map.call(
      root.querySelectorAll('[role="status"], [role="alert"]'),
      function (element) { return element.textContent; }
    ).join(" ");
  }

  function elementFor(selector) {
    try { return document.querySelector(selector); } catch (error) { return null; }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const config = event.detail.requestConfig || {};
    const target = event.detail.target;
    if (target && (config.verb || "get").toLowerCase() === "get" && !opened.has(target)) {
      const opener = config.elt || event.detail.elt;
      // The nodes themselves, not their HTML: re-parsing style attributes would break the CSP.
      opened.set(target, {nodes: Array.prototype.slice.call(target.childNodes), openerHref: opener && opener.getAttribute("hx-get")});
    } else if (target && (config.verb || "").toLowerCase() !== "get") {
      opened.delete(target); // saved: the region shows the new state, nothing to give back
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const region = event.detail.target || event.detail.elt;
    if (!region || !document.body.contains(region)) return;
    const problem = firstProblem(region);
    focusOn(problem || region.querySelector("h1, h2, h3, h4, h5, h6") || region);
    announce(messagesIn(region));
  });

  function close(region) {
    const saved = opened.get(region);
    if (!saved) return false;
    opened.delete(region);
    region.replaceChildren.apply(region, saved.nodes);
    if (window.htmx) window.htmx.process(region);
    const opener = saved.openerHref && region.querySelector('[hx-get="' + saved.openerHref.replace(/"/g, '\\"') + '"]');
    focusOn(opener || region.querySelector("h1, h2, h3, h4, h5, h6") || region);
    announce("Saisie annulée : rien n'a été enregistré.");
    return true;
  }

  function openedRegion(element) {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      if (opened.has(node)) return node;
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const region = openedRegion(event.target);
    if (region && close(region)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest("[data-cancel]");
    if (!cancel) return;
    const region = openedRegion(cancel);
    if (region && close(region)) event.preventDefault();
  });

  // A full page: its messages (base.html) are read out; a page that comes back with refused input puts
  // the user on the first refused field; a link to a region (#section-…) lands on its heading.
  document.addEventListener("DOMContentLoaded", function () {
    const main = document.querySelector("main") || document.body;
    const messages = document.getElementById("messages");
    if (messages) announce(messagesIn(messages));
    const invalid = main.querySelector('[aria-invalid="true"]');
    if (invalid) {
      focusOn(invalid);
      return;
    }
    const anchored = window.location.hash.length > 1 && elementFor(window.location.hash);
    if (anchored) focusOn(anchored.querySelector("h1, h2, h3, h4, h5, h6") || anchored);
  });
})();
