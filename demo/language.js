// The demo page's language switch: the widget follows its `locale` attribute, so changing the
// attribute is all a page has to do.
const select = document.getElementById("demo-language");
const widget = document.querySelector("perfectgym-offers");
if (select && widget) {
  select.value = widget.getAttribute("locale") || "en";
  select.addEventListener("change", () => widget.setAttribute("locale", select.value));
}
