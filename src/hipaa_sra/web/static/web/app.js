// Sends the CSRF token with every htmx request (the cookie is HttpOnly; the token is in a meta
// tag), so htmx posts pass Django's CSRF check with no inline script on any page.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
  }
});

// Buttons marked data-confirm ask before submitting their form.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
