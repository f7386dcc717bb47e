// Re-run Bootstrap widgets on fragments that htmx swaps in.
document.body.addEventListener("htmx:afterSwap", function (event) {
  event.detail.target.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    bootstrap.Tooltip.getOrCreateInstance(el);
  });
});
