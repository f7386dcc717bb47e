// Hand-written tables scroll inside their card instead of widening the page.
function wrapTables(root) {
  root.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-responsive")) return;
    var wrapper = document.createElement("div");
    wrapper.className = "table-responsive";
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  });
}

// Ask in the page's own dialog, then run `proceed` if the person confirms.
function askToConfirm(text, proceed) {
  var modalEl = document.getElementById("confirm-modal");
  if (!modalEl) {
    if (window.confirm(text)) proceed();
    return;
  }
  var modal = bootstrap.Modal.getOrCreateInstance(modalEl);
  document.getElementById("confirm-text").textContent = text;
  var ok = document.getElementById("confirm-ok");
  var fresh = ok.cloneNode(true); // drop the previous question's listener
  ok.replaceWith(fresh);
  fresh.addEventListener("click", function () {
    modal.hide();
    proceed();
  });
  modal.show();
}

// The question comes from the clicked button, the chosen option of a select, or the form itself.
function confirmText(form, submitter) {
  if (submitter && submitter.dataset.confirm) return submitter.dataset.confirm;
  var option = form.querySelector("option:checked[data-confirm]");
  if (option) return option.dataset.confirm;
  return form.dataset.confirm || "";
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirmed === "1") {
    delete form.dataset.confirmed;
    return;
  }
  var text = confirmText(form, event.submitter);
  if (!text) return;
  event.preventDefault();
  var submitter = event.submitter;
  askToConfirm(text, function () {
    form.dataset.confirmed = "1";
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  });
});

// Icons are decoration: the text or aria-label beside them names the control.
function hideIcons(root) {
  root.querySelectorAll("i.bi:not([aria-hidden])").forEach(function (icon) {
    icon.setAttribute("aria-hidden", "true");
  });
}

wrapTables(document);
hideIcons(document);

// Re-run Bootstrap widgets on fragments that htmx swaps in.
document.body.addEventListener("htmx:afterSwap", function (event) {
  event.detail.target.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    bootstrap.Tooltip.getOrCreateInstance(el);
  });
  wrapTables(document);
  hideIcons(document);
});

// A table's "tick all" box ticks (or clears) every row's box of the same name.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.dataset || !box.dataset.tickAll) return;
  box.closest("table").querySelectorAll('tbody input[type="checkbox"][name="' + box.dataset.tickAll + '"]')
    .forEach(function (row) { row.checked = box.checked; });
});
