// Small behaviours shared by every page. The CSP forbids inline scripts, so pages opt in with data attributes.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});
