// htmx's requests carry Django's CSRF token, read from the page's <meta name="csrf-token">
// (an hx-headers attribute on <body> is not valid HTML).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});
