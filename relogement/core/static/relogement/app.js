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
// Long selects (data-searchable): a search box before the select hides the options that do not
// contain the typed text (accents and case ignored); selected options always stay visible.
function relogementFold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}
function relogementSearchable(root) {
  root.querySelectorAll("select[data-searchable]:not([data-searchable-ready])").forEach(function (select) {
    select.setAttribute("data-searchable-ready", "1");
    const label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "la liste";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Rechercher…";
    box.setAttribute("aria-label", "Rechercher dans : " + label);
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("data-filter-select", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      const needle = relogementFold(box.value.trim());
      Array.from(select.options).forEach(function (option) {
        option.hidden = Boolean(needle) && !option.selected && option.value !== "" &&
          !relogementFold(option.textContent).includes(needle);
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { relogementSearchable(document); });
document.addEventListener("htmx:afterSwap", function (event) { relogementSearchable(event.target); });

// Keyboard and screen-reader users keep their place (issue 18). After every htmx update the focus goes
// to the first refused field (aria-invalid, its message tied by aria-describedby), else to the first
// error (role="alert", read out as it appears), else to the updated region's heading, which is then
// described by the region's success message (role="status"): it is read with the heading. On a full
// page the message of the last action takes the focus (read out at once). Escape (or « Annuler ») closes a form opened in place and gives
// the region back as it was, focus on the button that opened it.
(function () {
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  const HEADING = "h1, h2, h3, h4, h5, h6";
  const opened = new WeakMap(); // region -> {nodes, openerHref} before an htmx GET put a form in it
  let counter = 0;

  function focusOn(element) {
    if (!element) return;
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  function describeBy(element, messages) {
    const ids = Array.prototype.map.call(messages, function (message) {
      if (!message.id) message.id = "message-" + (++counter);
      return message.id;
    });
    if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
  }

  // An update the page asked for itself (hx-trigger "load" or "every", e.g. the potential rights of the
  // household file, computed after the page is shown) has no triggering event: it must not take the
  // focus from where the user is, unless the user was inside the region being replaced.
  const moveFocus = new WeakMap(); // region -> whether its update may move the focus

  document.addEventListener("htmx:beforeSwap", function (event) {
    const config = event.detail.requestConfig || {};
    const target = event.detail.target;
    if (!target) return;
    const byUser = Boolean(config.triggeringEvent);
    moveFocus.set(target, byUser || target.contains(document.activeElement));
    const answer = event.detail.serverResponse || (event.detail.xhr && event.detail.xhr.responseText) || "";
    if ((config.verb || "get").toLowerCase() === "get") {
      // Only a form opened in place by the user can be closed with Escape (a loaded section cannot).
      if (byUser && answer.indexOf("<form") !== -1 && !opened.has(target)) {
        const opener = config.elt || event.detail.elt;
        // The nodes themselves, not their HTML: re-parsing style attributes would break the CSP.
        opened.set(target, {
          nodes: Array.prototype.slice.call(target.childNodes),
          openerHref: opener && opener.getAttribute("hx-get"),
        });
      }
    } else {
      // Saved: the region shows the new state, nothing to give back. Refused: Escape still closes the form.
      if (answer.indexOf('aria-invalid="true"') === -1 && answer.indexOf('role="alert"') === -1) opened.delete(target);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    let region = event.detail.target || event.detail.elt;
    if (!region) return;
    const allowed = moveFocus.get(region);
    moveFocus.delete(region);
    if (allowed === false) return;
    if (!document.body.contains(region)) {
      // Replaced whole (hx-swap="outerHTML", e.g. the allocation plan after « Épingler »): its new copy,
      // found by its id, only when the focus went down with the old one (htmx keeps it on an element whose
      // id is in the new copy: the buildings table's sort links; a search box outside stays focused).
      const active = document.activeElement;
      if (!region.id || (active && active !== document.body)) return;
      region = document.getElementById(region.id);
      if (!region) return;
    }
    const problem = region.querySelector('[aria-invalid="true"]') || region.querySelector('[role="alert"]');
    if (problem) {
      focusOn(problem);
      return;
    }
    const heading = region.querySelector(HEADING);
    focusOn(heading || region);
    describeBy(heading || region, region.querySelectorAll('[role="status"]'));
  });

  function close(region) {
    const saved = opened.get(region);
    if (!saved) return false;
    opened.delete(region);
    region.replaceChildren.apply(region, saved.nodes);
    if (window.htmx) window.htmx.process(region);
    const opener = saved.openerHref && Array.prototype.find.call(
      region.querySelectorAll("[hx-get]"), function (e) { return e.getAttribute("hx-get") === saved.openerHref; }
    );
    focusOn(opener || region.querySelector(HEADING) || region);
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

  // A full page: a refused field first; else the message of the last action (base.html's #messages),
  // focused so that it is read out at once (GOV.UK's pattern, no text copied elsewhere); else the region
  // a link points to (#section-…), on its heading.
  document.addEventListener("DOMContentLoaded", function () {
    const main = document.querySelector("main") || document.body;
    const target = main.querySelector('[aria-invalid="true"]') || main.querySelector("#messages > [role]");
    if (target) {
      focusOn(target);
      return;
    }
    let anchored = null;
    try { anchored = window.location.hash.length > 1 && document.querySelector(window.location.hash); } catch (error) { anchored = null; }
    if (anchored) focusOn(anchored.querySelector(HEADING) || anchored);
  });
})();
